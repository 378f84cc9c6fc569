package io.pxtoken.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pxtoken.TestKeys;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** With {@code pxtoken.tenants.enabled} at its default (false), a ClusterPxToken writes nothing and says why. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(TenantsOffTest.Profile.class)
class TenantsOffTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> keys = TestKeys.profile("t".repeat(64));
            return Map.ofEntries(Map.entry("pxtoken.keys.dir", keys.get("pxtoken.keys.dir")),
                    Map.entry("pxtoken.keys.generate-if-missing", "false"),
                    Map.entry("pxtoken.kubernetes.enabled", "true"),
                    Map.entry("pxtoken.secrets.namespaces", "test"),
                    Map.entry("pxtoken.renewal.enabled", "true"),
                    Map.entry("pxtoken.leader-election.namespace", "test"),
                    Map.entry("pxtoken.leader-election.retry-period", "200ms"),
                    Map.entry("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN"));
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    DeclaredTokenController controller;

    @Test
    void aClusterPxTokenIsRefusedAndWritesNothing() throws Exception {
        KubernetesClient client = server.getClient();
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .load(Path.of("k8s/crds/clusterpxtokens.yaml").toFile()).item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        io.pxtoken.Eventually.within(Duration.ofSeconds(30), controller::leading, "this replica leads");
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("test").withLabels(Map.of("tenant", "true"))
                .endMetadata().build()).create();
        ClusterPxToken c = new ClusterPxToken();
        c.setMetadata(new ObjectMetaBuilder().withName("off").build());
        c.setSpec(new ClusterPxTokenSpec(new LabelSelectorBuilder().withMatchLabels(Map.of("tenant", "true")).build(),
                "Tenant ${namespace}", "", "", List.of("system.user"), null, "1d", null, "px-k8s-user", null));
        client.resource(c).create();

        io.pxtoken.Eventually.within(Duration.ofSeconds(20), () -> {
            ClusterPxToken now = client.resources(ClusterPxToken.class).withName("off").get();
            return now.getStatus() != null && now.getStatus().conditions() != null;
        }, "a status");
        Condition ready = client.resources(ClusterPxToken.class).withName("off").get().getStatus().conditions().get(0);
        assertEquals("False", ready.getStatus());
        assertEquals("Refused", ready.getReason());
        assertTrue(ready.getMessage().contains("pxtoken.tenants.enabled"), ready.getMessage());
        assertNull(client.secrets().inNamespace("test").withName("px-k8s-user").get(), "nothing written, even where Secrets may be");
    }
}
