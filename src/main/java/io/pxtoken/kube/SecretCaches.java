package io.pxtoken.kube;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * The leader's cache of managed token Secrets, shared by renewal, declared tokens and the check (one list and one
 * watch per namespace). It keeps what they read from it to decide: the labels of this service, the annotations of
 * {@link #READ} (renewal's timer and metrics, a declaration's expiry), owner references and resourceVersion; never the
 * token ({@code data}), the claims or the proof (a reconcile that writes reads the Secret itself first, and judges that).
 * Anyone with {@code edit} in a namespace can write annotations, so a kept annotation is at most {@value #MAX_VALUE}
 * characters.
 */
public final class SecretCaches {

    public static final int MAX_VALUE = 1_024;
    public static final int MAX_ANNOTATIONS = 32;

    /** The annotations read from the cache: by renewal (its timer, its metrics) and by declared tokens (expiry). */
    public static final Set<String> READ = Set.of(ManagedSecrets.EXPIRES_AT, ManagedSecrets.ISSUED_AT,
            ManagedSecrets.RENEWAL_TIME, ManagedSecrets.KEY_FINGERPRINT, ManagedSecrets.RENEW, ManagedSecrets.ALGORITHM);
    /** Kept values that thousands of Secrets share (a key's fingerprint, an algorithm): held once. */
    private static final Set<String> REPEATED = Set.of(ManagedSecrets.KEY_FINGERPRINT, ManagedSecrets.RENEW,
            ManagedSecrets.ALGORITHM, ManagedSecrets.MANAGED_BY, ManagedSecrets.NAME_LABEL);

    /** What the cache keeps of a managed Secret. */
    public static final UnaryOperator<Secret> TRIM = s -> {
        Trim.metadata(s, k -> k.startsWith(ManagedSecrets.PREFIX) || k.equals(ManagedSecrets.MANAGED_BY)
                || k.equals(ManagedSecrets.NAME_LABEL), READ::contains);
        Map<String, String> a = s.getMetadata().getAnnotations();
        if (a != null) {
            Map<String, String> kept = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : a.entrySet()) {
                if (kept.size() < MAX_ANNOTATIONS && e.getValue() != null && e.getValue().length() <= MAX_VALUE) {
                    kept.put(e.getKey(), REPEATED.contains(e.getKey()) ? Trim.shared(e.getValue()) : e.getValue());
                }
            }
            s.getMetadata().setAnnotations(Trim.compact(kept));
        }
        Map<String, String> l = s.getMetadata().getLabels();
        if (l != null) {
            // a label that repeats an owner's uid holds that uid's string (one copy, not two)
            List<String> owners = Caches.ownerUids(s);
            Map<String, String> labels = new LinkedHashMap<>();
            l.forEach((k, v) -> labels.put(k, REPEATED.contains(k) ? Trim.shared(v)
                    : owners.stream().filter(o -> o.equals(v)).findFirst().orElse(v)));
            s.getMetadata().setLabels(Trim.compact(labels));
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
