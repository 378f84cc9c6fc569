package io.pxtoken.provenance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.pxtoken.QuietLogs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Without the provenance key (RBAC refuses its Secret), nothing that needs a proof is written: a mint into a Secret is
 * a 503 naming the key and the fix, before anything is signed or stored; a mint without a Secret still works.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(ProvenanceKeyUnavailableTest.Profile.class)
class ProvenanceKeyUnavailableTest {

    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.kube.ProvenanceKeySecret");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "test",
                    "pxtoken.provenance.secret-name", "locked-provenance");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void aMintIntoASecretIsRefusedAndNothingWritten() {
        server.expect().get().withPath("/api/v1/namespaces/test/secrets/locked-provenance")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build()).always();
        given().contentType("application/json").body("{\"name\":\"U\",\"email\":\"u@example.com\",\"roles\":[\"system.user\"],"
                + "\"secret\":{\"namespace\":\"test\",\"name\":\"needs-proof\"}}")
                .post("/v1/tokens").then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:provenance-key-unavailable"))
                .body("detail", containsString("test/locked-provenance"))
                .body("detail", containsString("k8s/provenance-rbac.yaml"));
        assertNull(server.getClient().secrets().inNamespace("test").withName("needs-proof").get(), "nothing written");
        given().contentType("application/json").body("{\"name\":\"U\",\"email\":\"u@example.com\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(200);
    }
}
