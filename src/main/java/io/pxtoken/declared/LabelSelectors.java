package io.pxtoken.declared;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Kubernetes label selector semantics ({@code matchLabels} and {@code matchExpressions}, all of them must hold). */
final class LabelSelectors {

    private LabelSelectors() {
    }

    /** The label every namespace carries (Kubernetes 1.21+): its presence selects nothing. */
    static final String NAME_LABEL = "kubernetes.io/metadata.name";

    /**
     * Whether the selector could match every namespace: it has no requirement that a namespace carry something. Only
     * {@code matchLabels}, {@code In} with values, and {@code Exists} on a label other than {@link #NAME_LABEL} demand a
     * label; an empty selector, {@code NotIn} and {@code DoesNotExist} match every namespace that lacks a label, which
     * is every new one.
     */
    static boolean matchesEverything(LabelSelector s) {
        if (s == null) {
            return true;
        }
        if (s.getMatchLabels() != null && !s.getMatchLabels().isEmpty()) {
            return false;
        }
        if (s.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : s.getMatchExpressions()) {
                boolean demands = switch (r.getOperator() == null ? "" : r.getOperator()) {
                    case "In" -> r.getValues() != null && !r.getValues().isEmpty();
                    case "Exists" -> !NAME_LABEL.equals(r.getKey());
                    default -> false;
                };
                if (demands) {
                    return false;
                }
            }
        }
        return true;
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
