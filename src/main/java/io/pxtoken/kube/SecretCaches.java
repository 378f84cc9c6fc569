package io.pxtoken.kube;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * The leader's cache of managed token Secrets, shared by renewal, declared tokens and the check (one list and one
 * watch per namespace). It keeps what they read to decide: the labels of this service, its {@code pxtoken.io/}
 * annotations, owner references and resourceVersion; never the token ({@code data}) and nothing else. A reconcile
 * that writes reads the Secret itself first. Anyone with {@code edit} in a namespace can write annotations, so a kept
 * annotation is at most {@value #MAX_VALUE} characters and at most {@value #MAX_ANNOTATIONS} are kept.
 */
public final class SecretCaches {

    public static final int MAX_VALUE = 1_024;
    public static final int MAX_ANNOTATIONS = 32;

    /** What the cache keeps of a managed Secret. */
    public static final UnaryOperator<Secret> TRIM = s -> {
        Trim.metadata(s, k -> k.startsWith(ManagedSecrets.PREFIX) || k.equals(ManagedSecrets.MANAGED_BY)
                || k.equals(ManagedSecrets.NAME_LABEL), k -> k.startsWith(ManagedSecrets.PREFIX));
        Map<String, String> a = s.getMetadata().getAnnotations();
        if (a != null) {
            Map<String, String> kept = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : a.entrySet()) {
                if (kept.size() < MAX_ANNOTATIONS && e.getValue() != null && e.getValue().length() <= MAX_VALUE) {
                    kept.put(e.getKey(), e.getValue());
                }
            }
            s.getMetadata().setAnnotations(kept.isEmpty() ? null : kept);
        }
        s.setData(null);
        s.setStringData(null);
        return s;
    };

    private SecretCaches() {
    }

    /** The managed Secrets of {@code namespaces} (null: every namespace), indexed by the label {@code ownerLabel}. */
    public static Caches.Spec<Secret> managed(List<String> namespaces, String ownerLabel) {
        Caches.Spec<Secret> spec = Caches.Spec.of(Secret.class).labelled(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).trim(TRIM)
                .indexByLabel(ownerLabel);
        return namespaces == null ? spec : spec.in(namespaces);
    }
}
