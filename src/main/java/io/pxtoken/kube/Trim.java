package io.pxtoken.kube;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;

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
     * Drops {@code managedFields}, the creation time (no reader of a cache reads it) and every label and annotation not
     * kept; the name, namespace, uid, resourceVersion, generation, deletion time, owner references and finalizers stay.
     * What thousands of cached objects repeat (apiVersion, a Secret's kind and type, namespace, label keys) is held once, and the empty
     * maps of unknown fields fabric8 gives each object are replaced by one shared empty map (a cached object is read,
     * never written to).
     */
    public static <T extends HasMetadata> T metadata(T o, Predicate<String> keepLabel, Predicate<String> keepAnnotation) {
        if (!(o instanceof CustomResource<?, ?>)) {
            // (a custom resource computes its own, and ignores a setter)
            o.setApiVersion(shared(o.getApiVersion()));
        }
        if (o instanceof Secret s) {
            s.setKind(shared(s.getKind()));
            s.setType(shared(s.getType()));
            s.setAdditionalProperties(NO_PROPERTIES);
        }
        ObjectMeta m = o.getMetadata();
        if (m == null) {
            return o;
        }
        m.setManagedFields(null);
        m.setLabels(keep(m.getLabels(), keepLabel));
        m.setAnnotations(keep(m.getAnnotations(), keepAnnotation));
        m.setSelfLink(null);
        m.setGenerateName(null);
        m.setCreationTimestamp(null);
        m.setAdditionalProperties(NO_PROPERTIES);
        // what thousands of cached objects repeat is held once (String.intern's table lets go of what nobody holds)
        m.setNamespace(shared(m.getNamespace()));
        if (m.getOwnerReferences() != null && !m.getOwnerReferences().contains(null)) {
            for (OwnerReference r : m.getOwnerReferences()) {
                r.setApiVersion(shared(r.getApiVersion()));
                r.setKind(shared(r.getKind()));
                r.setAdditionalProperties(NO_PROPERTIES);
            }
            m.setOwnerReferences(List.copyOf(m.getOwnerReferences()));
        }
        return o;
    }

    /** What a cached object holds instead of an empty map of unknown fields (immutable: nothing writes a cached object). */
    public static final Map<String, Object> NO_PROPERTIES = Map.of();

    /** One copy of a string that many cached objects carry (a namespace, a label key, a condition's type). */
    public static String shared(String s) {
        return s == null ? null : s.intern();
    }

    /** The entries kept, in an immutable map (a third of a LinkedHashMap's size), or null when none is. */
    private static Map<String, String> keep(Map<String, String> in, Predicate<String> keep) {
        if (in == null || in.isEmpty()) {
            return null;
        }
        Map<String, String> out = null;
        for (Map.Entry<String, String> e : in.entrySet()) {
            // (Kubernetes has no label or annotation without a value)
            if (e.getKey() != null && e.getValue() != null && keep.test(e.getKey())) {
                if (out == null) {
                    out = new LinkedHashMap<>();
                }
                out.put(shared(e.getKey()), e.getValue());
            }
        }
        return compact(out);
    }

    /** An immutable copy of {@code m} (no null key or value), or null when it is null or empty. */
    public static Map<String, String> compact(Map<String, String> m) {
        return m == null || m.isEmpty() ? null : Map.copyOf(m);
    }
}
