package io.pxtoken.kube;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * What an informer keeps of an object's metadata. Used by the trims of {@link Caches}: they change the object they
 * are given (freshly parsed from the API server, nobody else's) and return it.
 */
public final class Trim {

    /** Keeps no label or annotation. */
    public static final Predicate<String> NONE = k -> false;

    private Trim() {
    }

    /** Keeps the keys that start with one of {@code prefixes} or equal one of them. */
    public static Predicate<String> prefixed(String... prefixes) {
        List<String> p = List.of(prefixes);
        return k -> p.stream().anyMatch(k::startsWith);
    }

    /**
     * Drops {@code managedFields} and every label and annotation not kept; the name, namespace, uid, resourceVersion,
     * generation, deletion time, owner references and finalizers stay.
     */
    public static <T extends HasMetadata> T metadata(T o, Predicate<String> keepLabel, Predicate<String> keepAnnotation) {
        ObjectMeta m = o.getMetadata();
        if (m == null) {
            return o;
        }
        m.setManagedFields(null);
        m.setLabels(keep(m.getLabels(), keepLabel));
        m.setAnnotations(keep(m.getAnnotations(), keepAnnotation));
        m.setSelfLink(null);
        m.setGenerateName(null);
        m.getAdditionalProperties().clear();
        // what thousands of cached objects repeat is held once (String.intern's table lets go of what nobody holds)
        m.setNamespace(shared(m.getNamespace()));
        if (m.getOwnerReferences() != null) {
            for (OwnerReference r : m.getOwnerReferences()) {
                r.setApiVersion(shared(r.getApiVersion()));
                r.setKind(shared(r.getKind()));
            }
        }
        return o;
    }

    /** One copy of a string that many cached objects carry (a namespace, a label key, a condition's type). */
    public static String shared(String s) {
        return s == null ? null : s.intern();
    }

    private static Map<String, String> keep(Map<String, String> in, Predicate<String> keep) {
        if (in == null || in.isEmpty()) {
            return null;
        }
        Map<String, String> out = null;
        for (Map.Entry<String, String> e : in.entrySet()) {
            if (keep.test(e.getKey())) {
                if (out == null) {
                    out = new LinkedHashMap<>();
                }
                out.put(shared(e.getKey()), e.getValue());
            }
        }
        return out;
    }
}
