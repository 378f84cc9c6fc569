package io.pxtoken.kube;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.pxtoken.QuietLogs;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The API server refusing, failing, conflicting and stalling (expectations mode): each is a 5xx problem that says
 * which, and no token is handed back as if it were stored.
 */
@QuarkusTest
@WithKubernetesTestServer(setup = EnforcedRbac.class)
@TestProfile(KubernetesFailuresTest.Profile.class)
class KubernetesFailuresTest {

    /** What this test provokes on purpose stays off the console (printed if a test fails). */
    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.kube.TokenSecrets");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "test",
                    "pxtoken.kubernetes.timeout", "1s");
        }
    }

    static final String SECRETS = "/api/v1/namespaces/test/secrets";

    @org.junit.jupiter.api.AfterEach
    void reset() {
        server.getKubernetesMockServer().reset();
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    static String failedMint(String name, int status, String type) {
        String body = given().contentType("application/json")
                .body("{\"name\":\"n\",\"roles\":[\"system.user\"],\"secret\":{\"namespace\":\"test\",\"name\":\"" + name + "\"}}")
                .post("/v1/tokens").then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:" + type))
                .body("token", nullValue())
                .body("detail", containsString("no token was issued"))
                .extract().asString();
        assertFalse(body.contains("eyJ"), body);
        return body;
    }

    static Object status(int code, String reason) {
        return new StatusBuilder().withCode(code).withReason(reason).withMessage("mock " + reason).build();
    }

    @Test
    void rbacForbiddenIsA502ThatSaysWhatToGrant() {
        server.expect().get().withPath(SECRETS + "/forbidden").andReturn(403, status(403, "Forbidden")).always();
        String body = failedMint("forbidden", 502, "kubernetes-forbidden");
        assertTrue(body.contains("Role of k8s/"), body);
    }

    @Test
    void aFailingApiServerIsA502() {
        server.expect().get().withPath(SECRETS + "/broken").andReturn(500, status(500, "InternalError")).always();
        failedMint("broken", 502, "kubernetes-error");
    }

    @Test
    void aRejectedWriteIsA502AndNeverQuotesTheApi() {
        server.expect().get().withPath(SECRETS + "/invalid").andReturn(404, status(404, "NotFound")).always();
        // an API error that echoes what was sent must not reach the caller
        server.expect().post().withPath(SECRETS).andReturn(422, new StatusBuilder().withCode(422)
                .withMessage("Secret is invalid: data[auth-token]: eyJhbGciOiJIUzI1NiJ9.echo.echo").build()).once();
        String body = failedMint("invalid", 502, "kubernetes-error");
        assertFalse(body.contains("echo"), body);
    }

    @Test
    void endlessConflictsGiveUpWith503() {
        server.expect().get().withPath(SECRETS + "/contended").andReturn(200, new SecretBuilder()
                .withNewMetadata().withName("contended").withNamespace("test").withResourceVersion("1")
                .addToLabels("app.kubernetes.io/managed-by", "px-token-service").endMetadata().build()).always();
        server.expect().put().withPath(SECRETS + "/contended").andReturn(409, status(409, "Conflict")).always();
        failedMint("contended", 503, "kubernetes-conflict");
    }

    @Test
    void aSlowReadTimesOutWith504AndNoToken() {
        // the API server would answer after 5 s; only the client's own timeout (1 s here) can produce the 504
        server.expect().get().delay(5, TimeUnit.SECONDS).withPath(SECRETS + "/slow")
                .andReturn(404, status(404, "NotFound")).always();
        failedMint("slow", 504, "kubernetes-timeout");
    }

    @Test
    void aWriteWhoseAnswerNeverCameSaysTheTokenMayBeStored() throws Exception {
        server.expect().get().withPath(SECRETS + "/lost").andReturn(404, status(404, "NotFound")).always();
        server.expect().post().delay(5, TimeUnit.SECONDS).withPath(SECRETS)
                .andReturn(201, new SecretBuilder().withNewMetadata().withName("lost").endMetadata().build()).always();
        java.util.List<String> lines;
        String body;
        try (io.pxtoken.LogCapture logs = io.pxtoken.LogCapture.start()) {
            body = given().contentType("application/json")
                    .body("{\"name\":\"n\",\"roles\":[\"system.user\"],\"secret\":{\"namespace\":\"test\",\"name\":\"lost\"}}")
                    .post("/v1/tokens").then().statusCode(504).contentType("application/problem+json")
                    .body("type", equalTo("urn:pxtoken:problem:kubernetes-timeout"))
                    .body("token", nullValue())
                    .body("detail", containsString("the token may have been stored: GET /v1/secrets shows what is there"))
                    .extract().asString();
            lines = logs.lines();
        }
        assertFalse(body.contains("no token was issued"), body);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("io.pxtoken.audit ") && l.contains("\"delivered\":\"unknown\"")
                && l.contains("\"status\":504")), lines.toString());
    }

    @Test
    void listingAndDeletingFailTheSameWay() {
        server.expect().get().withPath(SECRETS + "?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dpx-token-service")
                .andReturn(403, status(403, "Forbidden")).always();
        given().queryParam("namespace", "test").get("/v1/secrets").then().statusCode(502)
                .body("type", equalTo("urn:pxtoken:problem:kubernetes-forbidden"));
        server.expect().get().withPath(SECRETS + "/gone").andReturn(500, status(500, "InternalError")).always();
        given().delete("/v1/secrets/test/gone").then().statusCode(502);
    }
}
