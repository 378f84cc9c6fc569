package io.pxtoken.kube;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

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
        return o;
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
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }
}
