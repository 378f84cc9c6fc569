package io.pxtoken.auth;

import static io.pxtoken.auth.FakeKubernetesAuth.mint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pxtoken.LogCapture;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.specification.RequestSpecification;

/**
 * The escalation of the caller redesign, replayed with the production defaults: a service account that may mint
 * only Alice's admin token mints it, then tries to act as Alice. Every step after the first mint ends in 401.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(EscalationTest.Profile.class)
class EscalationTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.auth.enabled", "true", "pxtoken.kubernetes.enabled", "true",
                    "pxtoken.secrets.namespaces", "test");
        }
    }

    static final String SA = "system:serviceaccount:apps:alice-minter";
    static final String SA_TOKEN = "alice-minter-kubernetes-token";
    static final String ALICE = "{\"name\":\"Alice\",\"email\":\"alice@example.com\",\"sub\":\"alice@example.com\","
            + "\"roles\":[\"system.admin\"],\"duration\":\"1h\"}";
    static final String ANYONE_FOR_A_YEAR = "{\"name\":\"Mallory\",\"sub\":\"mallory@example.com\",\"roles\":[\"system.admin\"],"
            + "\"groups\":[\"*\"],\"duration\":\"1y\"}";

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    FakeKubernetesAuth kube;

    @BeforeEach
    void fakeKubernetes() {
        kube = new FakeKubernetesAuth();
        kube.install(server);
        kube.users.put(SA_TOKEN, SA);
        kube.grant(SA, mint("roles", "system.admin"), mint("subjects", "alice@example.com"));
        server.getClient().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("victim").withNamespace("test").addToLabels("app.kubernetes.io/managed-by", "px-token-service")
                .endMetadata().addToData("auth-token", "dG9rZW4=").build()).createOr(r -> r.update());
    }

    @AfterEach
    void reset() {
        server.getKubernetesMockServer().reset();
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    @Test
    void aMintedAdminTokenIsNoCallerAndTheAuditNamesTheServiceAccount() throws Exception {
        List<String> lines;
        int reviews;
        try (LogCapture logs = LogCapture.start()) {
            String alice = as(SA_TOKEN).contentType("application/json").body(ALICE).post("/v1/tokens").then()
                    .statusCode(200).body("subject", equalTo("alice@example.com")).extract().path("token");
            reviews = kube.tokenReviews.get();

            as(alice).contentType("application/json").body(ANYONE_FOR_A_YEAR).post("/v1/tokens").then().statusCode(401)
                    .body("detail", containsString("Portworx tokens are not accepted as callers"));
            as(alice).contentType("application/json")
                    .body(ALICE.replace("}", ",\"secret\":{\"namespace\":\"test\",\"name\":\"px-k8s-user\"}}"))
                    .post("/v1/tokens").then().statusCode(401);
            as(alice).get("/v1/secrets").then().statusCode(401);
            as(alice).delete("/v1/secrets/test/victim").then().statusCode(401);
            as(alice).contentType("text/plain").body(alice).post("/v1/tokens/verify").then().statusCode(401);
            as(alice).get("/v1/issuer").then().statusCode(401);
            lines = logs.lines();
        }
        assertNull(server.getClient().secrets().inNamespace("test").withName("px-k8s-user").get(), "nothing was written");
        assertTrue(server.getClient().secrets().inNamespace("test").withName("victim").get() != null, "nothing was deleted");
        assertEquals(reviews, kube.tokenReviews.get(), "a token of this issuer is refused before any TokenReview");

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> audit = lines.stream().filter(l -> l.startsWith(Audit.LOGGER + " "))
                .map(l -> l.substring(Audit.LOGGER.length() + 1)).map(l -> {
                    try {
                        return json.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError(l);
                    }
                }).toList();
        assertEquals(7, audit.size(), lines.toString());
        assertEquals(SA, audit.get(0).get("caller").asText());
        assertEquals("kubernetes", audit.get(0).get("authKind").asText());
        assertEquals("alice@example.com", audit.get(0).get("sub").asText());
        for (JsonNode line : audit.subList(1, audit.size())) {
            assertEquals(401, line.get("status").asInt(), line.toString());
            assertTrue(line.get("caller").isNull(), "no caller is claimed for a refused bearer: " + line);
        }
    }

    @Test
    void theServiceAccountItselfMayMintNothingElse() {
        as(SA_TOKEN).contentType("application/json").body(ANYONE_FOR_A_YEAR).post("/v1/tokens").then().statusCode(403)
                .body("missing", equalTo(List.of("mint groups.pxtoken.io/*", "mint subjects.pxtoken.io/mallory@example.com")));
        as(SA_TOKEN).get("/v1/secrets").then().statusCode(403);
        as(SA_TOKEN).delete("/v1/secrets/test/victim").then().statusCode(403);
    }
}
