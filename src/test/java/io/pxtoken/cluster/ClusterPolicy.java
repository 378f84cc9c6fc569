package io.pxtoken.cluster;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;

/**
 * The RBAC a cluster holds once k8s/ is applied: the rendered manifests, deployed as their comments tell an admin
 * (the service's namespace set in namespace.yaml; the Role of secrets-rbac.yaml copied into each namespace of
 * PXTOKEN_SECRETS_NAMESPACES; a read-only Role for each further namespace of PXTOKEN_CHECKS_NAMESPACES, as
 * checks-rbac.yaml says; components/tenants when PXTOKEN_TENANTS_ENABLED), plus the bootstrap ClusterRoles the
 * manifests refer to or every user has (Kubernetes' bootstrappolicy: system:auth-delegator, system:discovery,
 * system:basic-user, system:public-info-viewer, bound as Kubernetes binds them).
 */
public final class ClusterPolicy {

    public static final String SERVICE_ACCOUNT = "px-token-service";

    private ClusterPolicy() {
    }

    /** What the service's own account may do, deployed in {@code namespace} with the given settings. */
    public static RbacAuthorizer forService(String namespace, List<String> secretsNamespaces, List<String> checksNamespaces,
            boolean tenants) {
        List<JsonNode> docs = RenderedManifests.render(RenderedManifests.K8S, tenants ? List.of("components/tenants") : List.of(),
                namespace);
        List<JsonNode> extra = new ArrayList<>();
        JsonNode role = named(docs, "Role", "px-token-service-secrets");
        JsonNode binding = named(docs, "RoleBinding", "px-token-service-secrets");
        extra.addAll(RenderedManifests.copiedInto(role, secretsNamespaces));
        extra.addAll(RenderedManifests.copiedInto(binding, secretsNamespaces));
        List<String> readOnly = checksNamespaces.stream().filter(n -> !secretsNamespaces.contains(n)).toList();
        if (!readOnly.isEmpty()) {
            ObjectNode reader = role.deepCopy();
            ArrayNode rules = reader.putArray("rules");
            rules.addObject().putPOJO("apiGroups", List.of("")).putPOJO("resources", List.of("secrets"))
                    .putPOJO("verbs", List.of("get", "list", "watch"));
            extra.addAll(RenderedManifests.copiedInto(reader, readOnly));
            extra.addAll(RenderedManifests.copiedInto(binding, readOnly));
        }
        docs.addAll(extra);
        RbacAuthorizer rbac = new RbacAuthorizer(RenderedManifests.typed(docs));
        return rbac.add(bootstrap());
    }

    private static JsonNode named(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new IllegalStateException("k8s/ renders no " + kind + " " + name));
    }

    /** The bootstrap roles (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy) the manifests rely on. */
    public static List<HasMetadata> bootstrap() {
        List<HasMetadata> out = new ArrayList<>();
        out.add(new ClusterRoleBuilder().withNewMetadata().withName("system:auth-delegator").endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups("authentication.k8s.io").withResources("tokenreviews").withVerbs("create").build())
                .addToRules(new PolicyRuleBuilder().withApiGroups("authorization.k8s.io").withResources("subjectaccessreviews").withVerbs("create").build())
                .build());
        out.add(new ClusterRoleBuilder().withNewMetadata().withName("system:discovery").endMetadata()
                .addToRules(new PolicyRuleBuilder().withVerbs("get").withNonResourceURLs("/api", "/api/*", "/apis", "/apis/*",
                        "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/").build())
                .build());
        out.add(new ClusterRoleBuilder().withNewMetadata().withName("system:basic-user").endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups("authorization.k8s.io")
                        .withResources("selfsubjectaccessreviews", "selfsubjectrulesreviews").withVerbs("create").build())
                .addToRules(new PolicyRuleBuilder().withApiGroups("authentication.k8s.io").withResources("selfsubjectreviews").withVerbs("create").build())
                .build());
        out.add(new ClusterRoleBuilder().withNewMetadata().withName("system:public-info-viewer").endMetadata()
                .addToRules(new PolicyRuleBuilder().withVerbs("get").withNonResourceURLs("/healthz", "/livez", "/readyz", "/version", "/version/").build())
                .build());
        for (String role : List.of("system:discovery", "system:basic-user", "system:public-info-viewer")) {
            out.add(new ClusterRoleBindingBuilder().withNewMetadata().withName(role).endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role)
                    .addNewSubject().withKind("Group").withApiGroup("rbac.authorization.k8s.io").withName("system:authenticated").endSubject()
                    .build());
        }
        return out;
    }
}
