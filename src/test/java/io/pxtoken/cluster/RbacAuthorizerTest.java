package io.pxtoken.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;

/** Kubernetes' RBAC rules, one question each, over a small cluster of Roles and bindings. */
class RbacAuthorizerTest {

    private static final String RBAC = "rbac.authorization.k8s.io";

    private static final List<HasMetadata> CLUSTER = List.of(
            // Role "lease" in ns a: get/update/patch one Lease, create any; status of pxtokens via */status
            new RoleBuilder().withNewMetadata().withName("lease").withNamespace("a").endMetadata()
                    .addToRules(new PolicyRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("create").build())
                    .addToRules(new PolicyRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
                            .withResourceNames("px").withVerbs("get", "update").build())
                    .addToRules(new PolicyRuleBuilder().withApiGroups("pxtoken.io").withResources("*/status").withVerbs("update").build())
                    .build(),
            // bound to a service account subject without a namespace: the binding's namespace
            new RoleBindingBuilder().withNewMetadata().withName("lease").withNamespace("a").endMetadata()
                    .withNewRoleRef(RBAC, "Role", "lease").addNewSubject().withKind("ServiceAccount").withName("svc").endSubject().build(),
            // a Role of ns b bound from ns a does not exist there: nothing
            new RoleBuilder().withNewMetadata().withName("b-only").withNamespace("b").endMetadata()
                    .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("*").build()).build(),
            new RoleBindingBuilder().withNewMetadata().withName("wrong").withNamespace("a").endMetadata()
                    .withNewRoleRef(RBAC, "Role", "b-only").addNewSubject().withKind("User").withName("eve").endSubject().build(),
            // ClusterRole "reader" bound in ns c only (RoleBinding), and aggregated into "agg"
            new ClusterRoleBuilder().withNewMetadata().withName("reader").addToLabels("agg", "yes").endMetadata()
                    .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("get", "list", "watch").build()).build(),
            new RoleBindingBuilder().withNewMetadata().withName("reader").withNamespace("c").endMetadata()
                    .withNewRoleRef(RBAC, "ClusterRole", "reader").addNewSubject().withKind("Group").withName("system:serviceaccounts:a").endSubject().build(),
            new ClusterRoleBuilder().withNewMetadata().withName("agg").endMetadata().withNewAggregationRule()
                    .withClusterRoleSelectors(new LabelSelectorBuilder().addToMatchLabels("agg", "yes").build()).endAggregationRule().build(),
            new ClusterRoleBindingBuilder().withNewMetadata().withName("agg").endMetadata()
                    .withNewRoleRef(RBAC, "ClusterRole", "agg").addNewSubject().withKind("User").withName("alice").endSubject().build(),
            // star everything, and a non-resource prefix, for group admins
            new ClusterRoleBuilder().withNewMetadata().withName("star").endMetadata()
                    .addToRules(new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("*").build())
                    .addToRules(new PolicyRuleBuilder().withNonResourceURLs("/metrics*").withVerbs("get").build()).build(),
            new ClusterRoleBindingBuilder().withNewMetadata().withName("star").endMetadata()
                    .withNewRoleRef(RBAC, "ClusterRole", "star").addNewSubject().withKind("Group").withName("admins").endSubject().build());

    private static final RbacAuthorizer AUTHORIZER = new RbacAuthorizer(CLUSTER).add(ClusterPolicy.bootstrap());

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            system:serviceaccount:a:svc | PATCH  | /apis/coordination.k8s.io/v1/namespaces/a/leases/px          | false
            system:serviceaccount:a:svc | PUT    | /apis/coordination.k8s.io/v1/namespaces/a/leases/px          | true
            system:serviceaccount:a:svc | GET    | /apis/coordination.k8s.io/v1/namespaces/a/leases/other       | false
            system:serviceaccount:a:svc | GET    | /apis/coordination.k8s.io/v1/namespaces/a/leases             | false
            system:serviceaccount:a:svc | POST   | /apis/coordination.k8s.io/v1/namespaces/a/leases             | true
            system:serviceaccount:a:svc | POST   | /apis/coordination.k8s.io/v1/namespaces/b/leases             | false
            system:serviceaccount:a:svc | PUT    | /apis/pxtoken.io/v1alpha1/namespaces/a/pxtokens/t/status     | true
            system:serviceaccount:a:svc | PUT    | /apis/pxtoken.io/v1alpha1/namespaces/a/pxtokens/t            | false
            system:serviceaccount:b:svc | PUT    | /apis/coordination.k8s.io/v1/namespaces/a/leases/px          | false
            system:serviceaccount:a:svc | GET    | /api/v1/namespaces/c/secrets?watch=true                      | true
            system:serviceaccount:a:svc | GET    | /api/v1/secrets                                              | false
            system:serviceaccount:a:svc | POST   | /apis/authorization.k8s.io/v1/selfsubjectaccessreviews       | true
            system:serviceaccount:a:svc | GET    | /version                                                     | true
            system:serviceaccount:a:svc | GET    | /metrics                                                     | false
            eve                         | GET    | /api/v1/namespaces/a/secrets/x                               | false
            alice                       | GET    | /api/v1/secrets                                              | true
            alice                       | DELETE | /api/v1/namespaces/c/secrets/x                               | false
            bob@admins                  | DELETE | /api/v1/namespaces/c/secrets                                 | true
            bob@admins                  | GET    | /metrics/cadvisor                                            | true
            bob@admins                  | POST   | /metrics                                                     | false
            """)
    void answersLikeKubernetes(String who, String method, String path, boolean allowed) {
        KubeUser user = who.contains("@") ? KubeUser.user(who.substring(0, who.indexOf('@')), who.substring(who.indexOf('@') + 1))
                : KubeUser.named(who);
        assertEquals(allowed, AUTHORIZER.allows(user, RequestAttributes.of(method, path)), who + " " + method + " " + path);
    }
}
