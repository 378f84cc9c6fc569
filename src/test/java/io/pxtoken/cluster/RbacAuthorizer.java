package io.pxtoken.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * Kubernetes' RBAC authorizer (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac), over the Roles, ClusterRoles and
 * bindings it is given: ClusterRoleBindings grant their ClusterRole's rules everywhere; RoleBindings grant a Role of
 * their namespace, or a ClusterRole, in their namespace only. Subjects match a user by name, a group the user is in
 * (system:authenticated, system:serviceaccounts, system:serviceaccounts:&lt;ns&gt; included), or a service account
 * (system:serviceaccount:&lt;ns&gt;:&lt;name&gt;). A rule matches when its verbs, apiGroups and resources each hold the
 * request's value or {@code *}; {@code resource/subresource}, {@code *}/{@code subresource} and rules without
 * resourceNames (every name) as Kubernetes does; a request without a name never matches a rule with names. Non-resource
 * URLs match exactly or by a trailing {@code *}. ClusterRoles with an aggregationRule get the rules of every ClusterRole
 * their selectors match. Nothing is denied explicitly: RBAC only allows.
 */
public final class RbacAuthorizer {

    /** One rule that allowed a request, and where it came from (for messages). */
    public record Grant(String binding, String role, PolicyRule rule) {
    }

    private final List<Role> roles = new ArrayList<>();
    private final List<ClusterRole> clusterRoles = new ArrayList<>();
    private final List<RoleBinding> roleBindings = new ArrayList<>();
    private final List<ClusterRoleBinding> clusterRoleBindings = new ArrayList<>();

    public RbacAuthorizer(Collection<? extends HasMetadata> objects) {
        add(objects);
    }

    /** Adds every Role, ClusterRole, RoleBinding and ClusterRoleBinding among {@code objects}; other kinds are ignored. */
    public synchronized RbacAuthorizer add(Collection<? extends HasMetadata> objects) {
        for (HasMetadata o : objects) {
            if (o instanceof Role r) {
                roles.add(r);
            } else if (o instanceof ClusterRole r) {
                clusterRoles.add(r);
            } else if (o instanceof RoleBinding b) {
                roleBindings.add(b);
            } else if (o instanceof ClusterRoleBinding b) {
                clusterRoleBindings.add(b);
            }
        }
        return this;
    }

    public synchronized RbacAuthorizer remove(java.util.function.Predicate<HasMetadata> which) {
        roles.removeIf(which);
        clusterRoles.removeIf(which);
        roleBindings.removeIf(which);
        clusterRoleBindings.removeIf(which);
        return this;
    }

    public boolean allows(KubeUser user, RequestAttributes request) {
        return grant(user, request) != null;
    }

    /** The first rule that allows the request, or null. */
    public synchronized Grant grant(KubeUser user, RequestAttributes request) {
        for (ClusterRoleBinding b : clusterRoleBindings) {
            if (!bound(b.getSubjects(), "", user)) {
                continue;
            }
            Grant g = firstMatch("ClusterRoleBinding " + b.getMetadata().getName(), b.getRoleRef(), "", request);
            if (g != null) {
                return g;
            }
        }
        if (request.resourceRequest() && !request.namespace().isEmpty()) {
            for (RoleBinding b : roleBindings) {
                String ns = b.getMetadata().getNamespace();
                if (!request.namespace().equals(ns) || !bound(b.getSubjects(), ns, user)) {
                    continue;
                }
                Grant g = firstMatch("RoleBinding " + ns + "/" + b.getMetadata().getName(), b.getRoleRef(), ns, request);
                if (g != null) {
                    return g;
                }
            }
        }
        return null;
    }

    private Grant firstMatch(String binding, RoleRef ref, String namespace, RequestAttributes request) {
        String roleName;
        List<PolicyRule> rules;
        if ("ClusterRole".equals(ref.getKind())) {
            roleName = "ClusterRole " + ref.getName();
            rules = clusterRoleRules(ref.getName());
        } else if ("Role".equals(ref.getKind()) && !namespace.isEmpty()) {
            roleName = "Role " + namespace + "/" + ref.getName();
            rules = roles.stream().filter(r -> r.getMetadata().getName().equals(ref.getName())
                    && namespace.equals(r.getMetadata().getNamespace())).flatMap(r -> nullSafe(r.getRules())).toList();
        } else {
            return null;
        }
        for (PolicyRule rule : rules) {
            if (matches(rule, request)) {
                return new Grant(binding, roleName, rule);
            }
        }
        return null;
    }

    /** A ClusterRole's rules; with an aggregationRule, those of every ClusterRole its selectors match. */
    List<PolicyRule> clusterRoleRules(String name) {
        List<PolicyRule> out = new ArrayList<>();
        for (ClusterRole r : clusterRoles) {
            if (!r.getMetadata().getName().equals(name)) {
                continue;
            }
            out.addAll(nullSafe(r.getRules()).toList());
            if (r.getAggregationRule() != null) {
                for (LabelSelector selector : r.getAggregationRule().getClusterRoleSelectors()) {
                    for (ClusterRole other : clusterRoles) {
                        if (other != r && selects(selector, other.getMetadata().getLabels())) {
                            out.addAll(nullSafe(other.getRules()).toList());
                        }
                    }
                }
            }
        }
        return out;
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(l.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions() == null ? List.<LabelSelectorRequirement>of()
                : selector.getMatchExpressions()) {
            String v = l.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> v != null && r.getValues().contains(v);
                case "NotIn" -> v == null || !r.getValues().contains(v);
                case "Exists" -> l.containsKey(r.getKey());
                case "DoesNotExist" -> !l.containsKey(r.getKey());
                default -> throw new IllegalArgumentException("label selector operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Stream<PolicyRule> nullSafe(List<PolicyRule> rules) {
        return rules == null ? Stream.empty() : rules.stream();
    }

    /** rbac/v1 subjects: a ServiceAccount subject without a namespace takes the binding's (RoleBinding only). */
    static boolean bound(List<Subject> subjects, String bindingNamespace, KubeUser user) {
        if (subjects == null) {
            return false;
        }
        for (Subject s : subjects) {
            switch (s.getKind()) {
                case "User" -> {
                    if (s.getName().equals(user.name())) {
                        return true;
                    }
                }
                case "Group" -> {
                    if (user.groups().contains(s.getName())) {
                        return true;
                    }
                }
                case "ServiceAccount" -> {
                    String ns = s.getNamespace() == null || s.getNamespace().isEmpty() ? bindingNamespace : s.getNamespace();
                    if (!ns.isEmpty() && ("system:serviceaccount:" + ns + ":" + s.getName()).equals(user.name())) {
                        return true;
                    }
                }
                default -> throw new IllegalArgumentException("subject kind " + s.getKind());
            }
        }
        return false;
    }

    static boolean matches(PolicyRule rule, RequestAttributes request) {
        if (!hasOrStar(rule.getVerbs(), request.verb())) {
            return false;
        }
        if (!request.resourceRequest()) {
            for (String url : nullSafeList(rule.getNonResourceURLs())) {
                if (url.equals("*") || url.equals(request.path())
                        || (url.endsWith("*") && request.path().startsWith(url.substring(0, url.length() - 1)))) {
                    return true;
                }
            }
            return false;
        }
        if (!hasOrStar(rule.getApiGroups(), request.group())) {
            return false;
        }
        boolean resource = false;
        for (String r : nullSafeList(rule.getResources())) {
            if (r.equals("*") || r.equals(request.combinedResource())
                    || (!request.subresource().isEmpty() && r.equals("*/" + request.subresource()))) {
                resource = true;
                break;
            }
        }
        if (!resource) {
            return false;
        }
        List<String> names = nullSafeList(rule.getResourceNames());
        return names.isEmpty() || (!request.name().isEmpty() && names.contains(request.name()));
    }

    private static boolean hasOrStar(List<String> values, String value) {
        List<String> v = nullSafeList(values);
        return v.contains("*") || v.contains(value);
    }

    private static List<String> nullSafeList(List<String> l) {
        return l == null ? List.of() : l;
    }
}
