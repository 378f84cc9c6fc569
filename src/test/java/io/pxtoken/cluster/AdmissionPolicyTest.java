package io.pxtoken.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cel.common.CelValidationException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;

/**
 * The admission policy of k8s/ compiled with CEL-Java in Kubernetes' environment ({@link KubernetesCel}) and run on
 * the personas of the README and k8s/examples, with their RBAC evaluated from the manifests ({@link RbacAuthorizer}).
 */
class AdmissionPolicyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> DEPLOYED = RenderedManifests.render();
    private static final AdmissionPolicy POLICY = new AdmissionPolicy(DEPLOYED, "pxtoken-mint-rights");

    private static final KubeUser TOKEN_MINTER = KubeUser.serviceAccount("apps", "token-minter");
    private static final KubeUser STORAGE_ADMIN = KubeUser.serviceAccount("kube-system", "storage-admin");
    private static final KubeUser STORAGE_ADMINS_MEMBER = KubeUser.user("alice", "storage-admins");
    private static final KubeUser CLUSTER_ADMIN = KubeUser.user("kubernetes-admin", "system:masters");
    private static final KubeUser NAMESPACE_EDITOR = KubeUser.user("bob");
    private static final KubeUser SERVICE = KubeUser.serviceAccount("kube-system", ClusterPolicy.SERVICE_ACCOUNT);

    /** The cluster after the README: k8s/ applied, the examples applied, the walkthrough's bindings made. */
    private static RbacAuthorizer cluster() {
        List<HasMetadata> objects = new ArrayList<>(RenderedManifests.typed(DEPLOYED));
        for (String example : List.of("minters.yaml", "checkers.yaml")) {
            objects.addAll(RenderedManifests.typed(RenderedManifests.readAll(Path.of("k8s/examples", example))));
        }
        objects.addAll(ClusterPolicy.bootstrap());
        objects.addAll(ReadmeWalkthrough.rbacObjects());
        // cluster-admin, bound to system:masters as Kubernetes bootstraps it
        objects.add(new ClusterRoleBuilder().withNewMetadata().withName("cluster-admin").endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("*").build()).build());
        objects.add(new ClusterRoleBindingBuilder().withNewMetadata().withName("cluster-admin").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                .addNewSubject().withKind("Group").withName("system:masters").endSubject().build());
        // a namespace user who may write Secrets in portworx (as "edit" allows), and nothing about tokens
        objects.add(new RoleBuilder().withNewMetadata().withName("secrets-editor").withNamespace("portworx").endMetadata()
                .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").build()).build());
        objects.add(new RoleBindingBuilder().withNewMetadata().withName("bob-edits").withNamespace("portworx").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "secrets-editor")
                .addNewSubject().withKind("User").withName("bob").endSubject().build());
        return new RbacAuthorizer(objects);
    }

    private static final RbacAuthorizer RBAC = cluster();

    private static ObjectNode pxToken() {
        return (ObjectNode) RenderedManifests.readAll(Path.of("k8s/examples/pxtoken-px-k8s-user.yaml")).get(0).deepCopy();
    }

    private static ObjectNode tenantTokens() {
        return (ObjectNode) RenderedManifests.readAll(Path.of("k8s/examples/tenant-tokens.yaml")).stream()
                .filter(d -> d.path("kind").asText().equals("ClusterPxToken")).findFirst().orElseThrow().deepCopy();
    }

    private static AdmissionPolicy.Verdict create(KubeUser user, JsonNode object) {
        String resource = object.path("kind").asText().equals("PxToken") ? "pxtokens" : "clusterpxtokens";
        return POLICY.admit("CREATE", "pxtoken.io", "v1alpha1", resource, object, null, user, RBAC);
    }

    private static AdmissionPolicy.Verdict update(KubeUser user, JsonNode old, JsonNode object) {
        String resource = object.path("kind").asText().equals("PxToken") ? "pxtokens" : "clusterpxtokens";
        return POLICY.admit("UPDATE", "pxtoken.io", "v1alpha1", resource, object, old, user, RBAC);
    }

    @Test
    void everyCelExpressionOfK8sCompiles() throws CelValidationException {
        assertEquals(8, POLICY.expressions().size(), "matchConditions, variables, validations and messageExpressions: "
                + POLICY.expressions().stream().map(AdmissionPolicy.Compiled::where).toList());
        int rules = 0;
        for (JsonNode crd : DEPLOYED.stream().filter(d -> d.path("kind").asText().equals("CustomResourceDefinition")).toList()) {
            List<JsonNode> found = new ArrayList<>();
            crd.findValues("x-kubernetes-validations").forEach(list -> list.forEach(found::add));
            for (JsonNode rule : found) {
                KubernetesCel.compile(rule.path("rule").asText());
                if (rule.has("messageExpression")) {
                    KubernetesCel.compile(rule.path("messageExpression").asText());
                }
                rules++;
            }
        }
        // The CRDs validate with openAPIV3Schema patterns and minItems only (CustomResourcesManifestTest); a rule added
        // there is compiled above, and this count says it was seen.
        assertEquals(0, rules);
    }

    @Test
    void aTypoInAnExpressionFailsToCompile() {
        for (String broken : List.of("authorizer.group('pxtoken.io').resource('roles').check('mint').allowd()",
                "object.spec.roles.joinn(', ')", "authorizer.group('pxtoken.io').check('mint').allowed()")) {
            assertThrows(broken);
        }
    }

    private static void assertThrows(String expression) {
        try {
            KubernetesCel.compile(expression);
        } catch (CelValidationException expected) {
            return;
        }
        throw new AssertionError("compiled, but Kubernetes would refuse it: " + expression);
    }

    @Test
    void theMinterOfExamplesMayDeclareTheSystemUserToken() {
        // k8s/examples/pxtoken-px-k8s-user.yaml: "needs the rights of pxtoken-mint-system-user and create secrets in portworx"
        assertEquals("allowed", create(TOKEN_MINTER, pxToken()).toString());
    }

    @Test
    void theMinterMayNotDeclareAnAdminToken() {
        ObjectNode admin = pxToken();
        ((ObjectNode) admin.path("spec")).putArray("roles").add("system.admin");
        AdmissionPolicy.Verdict v = create(TOKEN_MINTER, admin);
        assertFalse(v.allowed());
        assertEquals("you may not mint every role of system.admin: kubectl auth can-i mint roles.pxtoken.io/<role>", v.message());
    }

    @Test
    void theStorageAdminOfTheWalkthroughMayDeclareTheToken() {
        assertEquals("allowed", create(STORAGE_ADMIN, pxToken()).toString());
    }

    @Test
    void aMemberOfStorageAdminsMintsButWritesNoSecretSoMayNotDeclare() {
        AdmissionPolicy.Verdict v = create(STORAGE_ADMINS_MEMBER, pxToken());
        assertFalse(v.allowed());
        assertTrue(v.message().startsWith("you may not create the Secrets this token is written to"), v.message());
    }

    @Test
    void aNamespaceEditorWhoMayWriteSecretsMayNotDeclareAToken() {
        AdmissionPolicy.Verdict v = create(NAMESPACE_EDITOR, pxToken());
        assertFalse(v.allowed());
        assertTrue(v.message().startsWith("you may not mint every role of system.user"), v.message());
    }

    @Test
    void aTenantTokenNeedsUnnamedRightsAndSecretsEverywhere() {
        AdmissionPolicy.Verdict minter = create(TOKEN_MINTER, tenantTokens());
        assertFalse(minter.allowed());
        assertTrue(minter.message().startsWith("you may not create the Secrets"), minter.message());
        assertEquals("allowed", create(CLUSTER_ADMIN, tenantTokens()).toString());
    }

    @Test
    void aNamedSubjectRightDoesNotCoverAnEmptySub() {
        RbacAuthorizer narrow = new RbacAuthorizer(List.of(
                new ClusterRoleBuilder().withNewMetadata().withName("narrow").endMetadata()
                        .addToRules(new PolicyRuleBuilder().withApiGroups("pxtoken.io").withResources("roles", "groups").withVerbs("mint").build())
                        .addToRules(new PolicyRuleBuilder().withApiGroups("pxtoken.io").withResources("subjects")
                                .withResourceNames("kubernetes@example.com").withVerbs("mint").build())
                        .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("create").build()).build(),
                new ClusterRoleBindingBuilder().withNewMetadata().withName("narrow").endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "narrow")
                        .addNewSubject().withKind("User").withName("carol").endSubject().build()));
        KubeUser carol = KubeUser.user("carol");
        ObjectNode token = pxToken();
        assertTrue(POLICY.admit("CREATE", "pxtoken.io", "v1alpha1", "pxtokens", token, null, carol, narrow).allowed());
        ((ObjectNode) token.path("spec")).remove("sub");
        AdmissionPolicy.Verdict v = POLICY.admit("CREATE", "pxtoken.io", "v1alpha1", "pxtokens", token, null, carol, narrow);
        assertFalse(v.allowed());
        assertTrue(v.message().startsWith("you may not mint this subject"), v.message());
    }

    @Test
    void theServiceWritesStatusWithoutMintRightsButASpecChangeIsChecked() {
        ObjectNode old = pxToken();
        ObjectNode withStatus = old.deepCopy();
        withStatus.putObject("status").put("jti", "x");
        assertEquals("allowed", update(SERVICE, old, withStatus).toString());
        ObjectNode escalated = old.deepCopy();
        ((ObjectNode) escalated.path("spec")).putArray("roles").add("system.admin");
        assertFalse(update(SERVICE, old, escalated).allowed());
        assertFalse(update(TOKEN_MINTER, old, escalated).allowed());
    }

    @Test
    void otherResourcesAreNotMatched() {
        Map<String, Object> secret = new LinkedHashMap<>(Map.of("metadata", Map.of("name", "x", "namespace", "portworx")));
        assertTrue(POLICY.admit("CREATE", "", "v1", "secrets", secret, null, NAMESPACE_EDITOR, RBAC).allowed());
    }
}
