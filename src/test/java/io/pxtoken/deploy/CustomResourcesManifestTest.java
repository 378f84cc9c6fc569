package io.pxtoken.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pxtoken.declared.ClusterPxToken;
import io.pxtoken.declared.ClusterPxTokenSpec;
import io.pxtoken.declared.ClusterPxTokenStatus;
import io.pxtoken.declared.PxToken;
import io.pxtoken.declared.PxTokenSpec;
import io.pxtoken.declared.PxTokenStatus;
import io.pxtoken.deploy.Manifests.Doc;
import io.pxtoken.kube.AccessCheck;
import io.pxtoken.token.InvalidDurationException;
import io.pxtoken.token.TokenDuration;

/**
 * The CRDs, the admission policy and the declared-token examples of k8s/: the schemas refuse what the service would
 * refuse (checked by validating sample objects with a JSON Schema validator, as the API server does at apply), they
 * describe the Java types the controller reads, and the policy asks the same mint rights as the HTTP API.
 */
class CustomResourcesManifestTest {

    static final List<Doc> DOCS = Manifests.all();
    static final Path PXTOKENS = Manifests.ROOT.resolve("crds/pxtokens.yaml");
    static final Path CLUSTER_PXTOKENS = Manifests.ROOT.resolve("crds/clusterpxtokens.yaml");
    private static final YAMLMapper YAML = new YAMLMapper();

    static Doc crdDoc(Path file) {
        return Manifests.one(DOCS, file, "CustomResourceDefinition");
    }

    /** The version's openAPIV3Schema as a JSON Schema (Kubernetes' structural schemas are a draft 4 subset). */
    static Schema schema(Path file) {
        JsonNode openApi = crdDoc(file).node().at("/spec/versions/0/schema/openAPIV3Schema");
        assertFalse(openApi.isMissingNode(), file + " has an openAPIV3Schema");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(openApi);
    }

    static List<String> errors(Schema schema, String yaml) {
        try {
            return schema.validate(YAML.readTree(yaml)).stream().map(Error::toString).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static final String PXTOKEN = """
            apiVersion: pxtoken.io/v1alpha1
            kind: PxToken
            metadata: {name: px-k8s-user, namespace: portworx}
            spec:
              name: Kubernetes User
              email: kubernetes@example.com
              roles: ["system.user"]
              groups: ["kubernetes"]
              duration: %s
            """;

    static final String CLUSTER_PXTOKEN = """
            apiVersion: pxtoken.io/v1alpha1
            kind: ClusterPxToken
            metadata: {name: tenants}
            spec:
              namespaceSelector: {matchLabels: {tenant: "true"}}
              name: Tenant ${namespace}
              sub: tenant-${namespace}@example.com
              roles: %s
              groups: ["${namespace}"]
              duration: 1d
            """;

    @Test
    void theSchemasRefuseAWeekAndNoRoles() {
        Schema px = schema(PXTOKENS);
        assertEquals(List.of(), errors(px, PXTOKEN.formatted("1d")), "a good PxToken");
        assertFalse(errors(px, PXTOKEN.formatted("1w")).isEmpty(), "duration: 1w is not pxctl's syntax");
        assertFalse(errors(px, PXTOKEN.formatted("1d").replace("[\"system.user\"]", "[]")).isEmpty(), "roles: []");
        assertFalse(errors(px, PXTOKEN.formatted("1d").replace("  roles: [\"system.user\"]\n", "")).isEmpty(), "no roles");
        assertFalse(errors(px, PXTOKEN.formatted("1d").replace("name: Kubernetes User", "name: \"\"")).isEmpty(), "empty name");
        assertFalse(errors(px, PXTOKEN.formatted("1d") + "  secretName: Not_A_Name\n").isEmpty(), "a Secret name Kubernetes refuses");

        Schema cluster = schema(CLUSTER_PXTOKENS);
        assertEquals(List.of(), errors(cluster, CLUSTER_PXTOKEN.formatted("[\"system.user\"]")), "a good ClusterPxToken");
        assertFalse(errors(cluster, CLUSTER_PXTOKEN.formatted("[]")).isEmpty(), "roles: []");
        assertFalse(errors(cluster, CLUSTER_PXTOKEN.formatted("[\"system.user\"]").replace("duration: 1d", "duration: 1w")).isEmpty(),
                "duration: 1w");
        assertFalse(errors(cluster, CLUSTER_PXTOKEN.formatted("[\"system.user\"]").replace(
                "  namespaceSelector: {matchLabels: {tenant: \"true\"}}\n", "")).isEmpty(), "no namespaceSelector");
    }

    /** The schema's duration pattern and the service's parser agree (values too large to represent aside). */
    @ParameterizedTest
    @ValueSource(strings = {"1s", "30m", "24h", "1d", "01d", "7d", "1y", "292y", "", "0s", "00d", "123", "1Y", "1w", "1.5h",
            "1h30m", "-1d", "+1d", " 1d", "1d ", "123sabcd", "ab123s"})
    void theDurationPatternIsPxctlsSyntax(String duration) {
        boolean parses;
        try {
            TokenDuration.parse("duration", duration);
            parses = true;
        } catch (InvalidDurationException e) {
            parses = false;
        }
        for (Path crd : List.of(PXTOKENS, CLUSTER_PXTOKENS)) {
            for (String field : List.of("duration", "renewBefore")) {
                String pattern = crdDoc(crd).node().at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/"
                        + field + "/pattern").asText();
                assertEquals(parses, Pattern.compile(pattern).matcher(duration).find(), crd + " " + field + " '" + duration + "'");
            }
        }
        assertEquals(parses, errors(schema(PXTOKENS), PXTOKEN.formatted("'" + duration + "'")).isEmpty(), "'" + duration + "'");
    }

    @Test
    void theCrdsDescribeTheJavaTypes() {
        check(PXTOKENS, PxToken.class, "Namespaced", PxTokenSpec.class, PxTokenStatus.class, Set.of("Ready", "Secret", "Expires", "Age"));
        check(CLUSTER_PXTOKENS, ClusterPxToken.class, "Cluster", ClusterPxTokenSpec.class, ClusterPxTokenStatus.class,
                Set.of("Ready", "Namespaces", "Failing", "Age"));
    }

    private static void check(Path file, Class<? extends HasMetadata> type, String scope, Class<?> spec, Class<?> status,
            Set<String> columns) {
        CustomResourceDefinition crd = crdDoc(file).as(CustomResourceDefinition.class);
        assertEquals(HasMetadata.getFullResourceName(type), crd.getMetadata().getName());
        assertEquals(HasMetadata.getGroup(type), crd.getSpec().getGroup());
        assertEquals(HasMetadata.getKind(type), crd.getSpec().getNames().getKind());
        assertEquals(HasMetadata.getPlural(type), crd.getSpec().getNames().getPlural());
        assertEquals(HasMetadata.getSingular(type), crd.getSpec().getNames().getSingular());
        assertEquals(Arrays.asList(io.fabric8.kubernetes.client.CustomResource.getShortNames(type)), crd.getSpec().getNames().getShortNames());
        assertEquals(scope, crd.getSpec().getScope());
        assertEquals(1, crd.getSpec().getVersions().size());
        CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
        assertEquals(HasMetadata.getVersion(type), v.getName());
        assertTrue(v.getServed() && v.getStorage());
        assertNotNull(v.getSubresources().getStatus(), "status is a subresource: the service writes only it");
        assertEquals(columns, v.getAdditionalPrinterColumns().stream().map(c -> c.getName()).collect(Collectors.toSet()));
        var props = v.getSchema().getOpenAPIV3Schema().getProperties();
        assertEquals(components(spec), new TreeSet<>(props.get("spec").getProperties().keySet()), file + " spec");
        assertEquals(components(status), new TreeSet<>(props.get("status").getProperties().keySet()), file + " status");
    }

    private static Set<String> components(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void theExamplesAreValidAndReadAsTheControllerReadsThem() {
        KubernetesSerialization serialization = new KubernetesSerialization();
        serialization.registerKubernetesResource(PxToken.class);
        serialization.registerKubernetesResource(ClusterPxToken.class);
        Doc px = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/pxtoken-px-k8s-user.yaml"), "PxToken");
        Doc tenants = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/tenant-tokens.yaml"), "ClusterPxToken");
        assertEquals(List.of(), schema(PXTOKENS).validate(px.node()).stream().map(Error::toString).toList());
        assertEquals(List.of(), schema(CLUSTER_PXTOKENS).validate(tenants.node()).stream().map(Error::toString).toList());

        PxToken token = serialization.unmarshal(px.node().toString(), PxToken.class);
        assertEquals("portworx", token.getMetadata().getNamespace());
        assertEquals("px-k8s-user", token.getMetadata().getName(), "the Secret examples/storageclass.yaml reads");
        assertEquals(List.of("system.user"), token.getSpec().roles());
        ClusterPxToken cluster = serialization.unmarshal(tenants.node().toString(), ClusterPxToken.class);
        PxTokenSpec forA = cluster.getSpec().forNamespace("team-a", cluster.getMetadata().getName());
        assertEquals("tenant-team-a@example.com", forA.sub());
        assertEquals(List.of("team-a"), forA.groups());
        var sc = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/tenant-tokens.yaml"), "StorageClass")
                .as(io.fabric8.kubernetes.api.model.storage.StorageClass.class);
        for (String op : List.of("provisioner", "node-publish", "controller-expand")) {
            assertEquals(forA.secretName(), sc.getParameters().get("csi.storage.k8s.io/" + op + "-secret-name"));
            assertEquals("${pvc.namespace}", sc.getParameters().get("csi.storage.k8s.io/" + op + "-secret-namespace"));
        }
    }

    @Test
    void theAdmissionPolicyAsksTheHttpApisMintRights() {
        Path file = Manifests.ROOT.resolve("components/admission-policy/admission-policy.yaml");
        Doc policyDoc = Manifests.one(DOCS, file, "ValidatingAdmissionPolicy");
        assertEquals("admissionregistration.k8s.io/v1", policyDoc.node().path("apiVersion").asText());
        ValidatingAdmissionPolicy policy = policyDoc.as(ValidatingAdmissionPolicy.class);
        assertEquals("Fail", policy.getSpec().getFailurePolicy(), "no declaration slips through when the check cannot run");
        var rule = policy.getSpec().getMatchConstraints().getResourceRules().get(0);
        assertEquals(List.of(PxToken.GROUP), rule.getApiGroups());
        assertEquals(Set.of(HasMetadata.getPlural(PxToken.class), HasMetadata.getPlural(ClusterPxToken.class)), Set.copyOf(rule.getResources()));
        assertEquals(Set.of("CREATE", "UPDATE"), Set.copyOf(rule.getOperations()));

        String expressions = policy.getSpec().getValidations().stream().map(Validation::getExpression).collect(Collectors.joining("\n"));
        List<String> missing = new ArrayList<>();
        for (String resource : List.of("roles", "groups", "subjects")) {
            // the terms CallerPolicy asks in its SubjectAccessReviews
            AccessCheck check = AccessCheck.mint(resource, "x");
            String named = "authorizer.group('" + check.group() + "').resource('" + check.resource() + "').name(";
            String any = "authorizer.group('" + check.group() + "').resource('" + check.resource() + "').check('" + check.verb() + "')";
            if (!expressions.contains(named) || !expressions.contains(".check('" + check.verb() + "').allowed()")) {
                missing.add(check.canI());
            }
            if (!expressions.contains(any)) {
                missing.add(check.verb() + " " + resource + "." + check.group() + " (any name)");
            }
        }
        assertEquals(List.of(), missing, "checks the policy does not ask");
        assertTrue(expressions.contains("object.spec.roles.all(") && expressions.contains("object.spec.groups.all("),
                "every role and every group is checked");
        assertTrue(expressions.contains("resource('secrets')") && expressions.contains("check('create')"), "the Secret it lands in");

        ValidatingAdmissionPolicyBinding binding = Manifests.one(DOCS, file, "ValidatingAdmissionPolicyBinding")
                .as(ValidatingAdmissionPolicyBinding.class);
        assertEquals(policy.getMetadata().getName(), binding.getSpec().getPolicyName());
        assertEquals(List.of("Deny"), binding.getSpec().getValidationActions());
    }

    @Test
    void kubectlApplyKInstallsThemAll() throws IOException {
        String kustomization = Files.readString(Manifests.ROOT.resolve("kustomization.yaml"));
        for (String file : List.of("crds/pxtokens.yaml", "crds/clusterpxtokens.yaml", "declared-rbac.yaml", "components/admission-policy")) {
            assertTrue(kustomization.contains("\n  - " + file + "\n"), "k8s/kustomization.yaml lists " + file);
        }
        String tenants = Files.readString(Manifests.ROOT.resolve("components/tenants/kustomization.yaml"));
        assertTrue(tenants.contains("kind: Component") && tenants.contains("tenants-rbac.yaml") && tenants.contains("deployment-tenants.yaml"));
        assertTrue(Files.readString(Manifests.ROOT.resolve("components/tenants/deployment-tenants.yaml"))
                .contains("- name: PXTOKEN_TENANTS_ENABLED\n              value: \"true\""));
    }
}
