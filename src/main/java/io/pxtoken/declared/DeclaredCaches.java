package io.pxtoken.declared;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.pxtoken.kube.Trim;

/**
 * What the leader's caches keep of the declarations and of namespaces. A PxToken anyone with {@code edit} in a
 * namespace can write, and a CRD schema cannot bound its metadata: the caches keep its name, uid, generation, owner
 * references, spec and status, none of its labels and annotations. A spec beyond the CRD's limits (a cluster whose
 * CRD is older, or was edited) is not kept either: the cached object carries, instead of its spec, the annotation
 * {@value #OUT_OF_BOUNDS} (set here, never written to the cluster) naming the field, and the reconciler answers
 * {@code Ready=False, Refused} with it. So whatever is written, a declaration costs the cache a bounded size.
 */
public final class DeclaredCaches {

    /** On a cached declaration only: why its spec was not kept. */
    public static final String OUT_OF_BOUNDS = "pxtoken.io/out-of-bounds";

    static final int MAX_NAME = 256;
    static final int MAX_EMAIL = 256;
    static final int MAX_SUB = 512;
    static final int MAX_ITEMS = 32;
    static final int MAX_ITEM = 256;
    static final int MAX_SECRET_NAME = 253;
    static final int MAX_DURATION = 32;
    /** matchLabels plus matchExpressions of a ClusterPxToken's selector, and values of one expression. */
    static final int MAX_SELECTOR = 32;
    /** A label key or value in a selector (Kubernetes: 63 for a name, 253 for a prefix). */
    static final int MAX_LABEL = 317;
    /** A status larger than this (conditions, failing namespaces) is not kept: the next reconcile writes it anew. */
    static final int MAX_FAILING = 1_000;
    private static final Pattern DURATION = Pattern.compile("0*[1-9][0-9]*(s|m|h|d|y)");

    private DeclaredCaches() {
    }

    /** What a cache keeps of a PxToken. */
    public static final UnaryOperator<PxToken> PX_TOKEN = t -> {
        Trim.metadata(t, Trim.NONE, Trim.NONE);
        refuse(t, t.getSpec() == null ? null : outOfBounds(t.getSpec()), () -> t.setSpec(null));
        PxTokenStatus s = t.getStatus();
        if (s != null && s.conditions() != null && s.conditions().size() > MAX_ITEMS) {
            t.setStatus(null);
        }
        t.setSpec(shared(t.getSpec()));
        t.setStatus(shared(t.getStatus()));
        return t;
    };

    /**
     * The spec with the values thousands of declarations repeat (roles, groups, durations, the data key) held once;
     * equal to the spec given.
     */
    static PxTokenSpec shared(PxTokenSpec s) {
        if (s == null) {
            return null;
        }
        return new PxTokenSpec(s.name(), s.email(), s.sub(), sharedList(s.roles()), sharedList(s.groups()),
                Trim.shared(s.duration()), Trim.shared(s.renewBefore()), s.secretName(), Trim.shared(s.secretKey()));
    }

    /** The status with its repeated values (the condition's type, status and reason, the key's fingerprint) held once. */
    static PxTokenStatus shared(PxTokenStatus s) {
        if (s == null) {
            return null;
        }
        if (s.conditions() != null) {
            for (Condition c : s.conditions()) {
                if (c != null) {
                    c.setType(Trim.shared(c.getType()));
                    c.setStatus(Trim.shared(c.getStatus()));
                    c.setReason(Trim.shared(c.getReason()));
                    c.setAdditionalProperties(Trim.NO_PROPERTIES);
                }
            }
        }
        return new PxTokenStatus(s.conditions(), s.observedGeneration(), s.secretName(), s.issuedAt(), s.expiresAt(),
                s.renewalTime(), s.jti(), Trim.shared(s.keyFingerprint()));
    }

    private static List<String> sharedList(List<String> l) {
        if (l == null) {
            return null;
        }
        List<String> out = new ArrayList<>(l.size());
        l.forEach(v -> out.add(Trim.shared(v)));
        return out.contains(null) ? out : List.copyOf(out);
    }

    /** What a cache keeps of a ClusterPxToken. */
    public static final UnaryOperator<ClusterPxToken> CLUSTER_PX_TOKEN = c -> {
        Trim.metadata(c, Trim.NONE, Trim.NONE);
        refuse(c, c.getSpec() == null ? null : outOfBounds(c.getSpec()), () -> c.setSpec(null));
        ClusterPxTokenStatus s = c.getStatus();
        if (s != null && ((s.conditions() != null && s.conditions().size() > MAX_ITEMS)
                || (s.failing() != null && s.failing().size() > MAX_FAILING))) {
            c.setStatus(null);
        }
        return c;
    };

    /** What a cache keeps of a namespace: its name, uid, labels (selectors read them) and deletion time. */
    public static final UnaryOperator<Namespace> NAMESPACE = n -> {
        Trim.metadata(n, k -> true, Trim.NONE);
        n.setSpec(null);
        n.setStatus(null);
        return n;
    };

    /** Why the cached declaration holds no spec (its spec was out of bounds), or null. */
    public static String outOfBounds(HasMetadata cached) {
        Map<String, String> a = cached.getMetadata().getAnnotations();
        return a == null ? null : a.get(OUT_OF_BOUNDS);
    }

    private static void refuse(HasMetadata o, String why, Runnable dropSpec) {
        if (why != null) {
            dropSpec.run();
            o.getMetadata().setAnnotations(Map.of(OUT_OF_BOUNDS, why));
        }
    }

    /** The first field of {@code s} beyond the CRD's limits, named with its limit; null when all are within. */
    static String outOfBounds(PxTokenSpec s) {
        String why = claims(s.name(), s.email(), s.sub(), s.roles(), s.groups(), s.duration(), s.renewBefore());
        if (why != null) {
            return why;
        }
        why = tooLong("spec.secretName", s.secretName(), MAX_SECRET_NAME);
        return why != null ? why : tooLong("spec.secretKey", s.secretKey(), MAX_SECRET_NAME);
    }

    static String outOfBounds(ClusterPxTokenSpec s) {
        String why = claims(s.name(), s.email(), s.sub(), s.roles(), s.groups(), s.duration(), s.renewBefore());
        if (why == null) {
            why = selector(s.namespaceSelector());
        }
        if (why == null) {
            why = tooLong("spec.secretName", s.secretName(), MAX_SECRET_NAME);
        }
        return why != null ? why : tooLong("spec.secretKey", s.secretKey(), MAX_SECRET_NAME);
    }

    private static String claims(String name, String email, String sub, List<String> roles, List<String> groups,
            String duration, String renewBefore) {
        String why = tooLong("spec.name", name, MAX_NAME);
        why = why != null ? why : tooLong("spec.email", email, MAX_EMAIL);
        why = why != null ? why : tooLong("spec.sub", sub, MAX_SUB);
        why = why != null ? why : list("spec.roles", roles);
        why = why != null ? why : list("spec.groups", groups);
        why = why != null ? why : duration("spec.duration", duration);
        return why != null ? why : duration("spec.renewBefore", renewBefore);
    }

    private static String selector(LabelSelector s) {
        if (s == null) {
            return null;
        }
        int labels = s.getMatchLabels() == null ? 0 : s.getMatchLabels().size();
        int expressions = s.getMatchExpressions() == null ? 0 : s.getMatchExpressions().size();
        if (labels + expressions > MAX_SELECTOR) {
            return "spec.namespaceSelector has " + (labels + expressions) + " terms; at most " + MAX_SELECTOR;
        }
        if (s.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : s.getMatchLabels().entrySet()) {
                if (length(e.getKey()) > MAX_LABEL || length(e.getValue()) > MAX_LABEL) {
                    return "spec.namespaceSelector.matchLabels: a label longer than " + MAX_LABEL + " characters";
                }
            }
        }
        if (s.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : s.getMatchExpressions()) {
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                if (length(r.getKey()) > MAX_LABEL || values.size() > MAX_SELECTOR
                        || values.stream().anyMatch(v -> length(v) > MAX_LABEL)) {
                    return "spec.namespaceSelector.matchExpressions: at most " + MAX_SELECTOR + " values of at most "
                            + MAX_LABEL + " characters";
                }
            }
        }
        return null;
    }

    private static String list(String field, List<String> items) {
        if (items == null) {
            return null;
        }
        if (items.size() > MAX_ITEMS) {
            return field + " has " + items.size() + " items; at most " + MAX_ITEMS;
        }
        for (String item : items) {
            if (length(item) > MAX_ITEM) {
                return field + ": an item longer than " + MAX_ITEM + " characters";
            }
        }
        return null;
    }

    private static String duration(String field, String value) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_DURATION || !DURATION.matcher(value).matches()) {
            return field + " must be a pxctl duration such as 30d (at most " + MAX_DURATION + " characters)";
        }
        return null;
    }

    private static String tooLong(String field, String value, int max) {
        return length(value) > max ? field + " is " + value.length() + " characters long; at most " + max : null;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
