package io.pxtoken.declared;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Kubernetes label selector semantics ({@code matchLabels} and {@code matchExpressions}, all of them must hold). */
final class LabelSelectors {

    private LabelSelectors() {
    }

    /** Whether the selector says nothing (it would match every namespace). */
    static boolean empty(LabelSelector s) {
        return s == null || ((s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
                && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty()));
    }

    static boolean matches(LabelSelector s, Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (s.getMatchLabels() != null) {
            for (var e : s.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(l.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (s.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : s.getMatchExpressions()) {
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean has = l.containsKey(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> has && values.contains(l.get(r.getKey()));
                    case "NotIn" -> !has || !values.contains(l.get(r.getKey()));
                    case "Exists" -> has;
                    case "DoesNotExist" -> !has;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
