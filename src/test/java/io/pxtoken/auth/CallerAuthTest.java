package io.pxtoken.auth;

import static io.pxtoken.auth.FakeKubernetesAuth.mint;
import static io.pxtoken.auth.FakeKubernetesAuth.secrets;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;

import io.pxtoken.LogCapture;
import io.pxtoken.QuietLogs;
import io.pxtoken.TestClock;
import io.pxtoken.TestKeys;
import io.pxtoken.TestTokens;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * Authentication on (the production default) with Portworx callers turned on as well, with a fake
 * TokenReview/SubjectAccessReview API. {@link EscalationTest} covers the default, where Portworx tokens are no callers.
 */
@QuarkusTest
@WithKubernetesTestServer(setup = EnforcedRbac.class)
@TestProfile(CallerAuthTest.Profile.class)
class CallerAuthTest {

    /** What this test provokes on purpose stays off the console (printed if a test fails). */
    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.kube.TokenSecrets", "com.github.benmanes.caffeine.cache.LocalAsyncCache");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.auth.enabled", "true",
                    "pxtoken.auth.portworx.enabled", "true",
                    "pxtoken.kubernetes.enabled", "true",
                    "pxtoken.secrets.namespaces", "test",
                    "pxtoken.auth.kubernetes.audiences", "px-token-service",
                    "pxtoken.roles.max-duration.\"system.admin\"", "1d",
                    "pxtoken.rate-limit.burst", "1000");
        }
    }

    static final String ADMIN_BODY = "{\"name\":\"Storage Administrator\",\"sub\":\"admin@example.com\","
            + "\"roles\":[\"system.admin\"],\"groups\":[\"*\"],\"duration\":\"1d\"}";
    static final String USER_BODY = "{\"name\":\"Kubernetes User\",\"sub\":\"k8s@example.com\","
            + "\"roles\":[\"system.user\"],\"groups\":[\"kubernetes\"]}";

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    TestClock clock;

    FakeKubernetesAuth kube;
    /** Fresh tokens per test, so no test sees another's cached review. */
    String minter;
    String nobody;
    String noSecrets;
    String run;

    @BeforeEach
    void fakeKubernetes() {
        kube = new FakeKubernetesAuth();
        kube.install(server);
        run = java.util.UUID.randomUUID().toString();
        minter = "minter-token-" + run;
        nobody = "nobody-token-" + run;
        noSecrets = "no-secrets-token-" + run;
        kube.users.put(minter, "system:serviceaccount:apps:minter-" + run);
        kube.grant("system:serviceaccount:apps:minter-" + run, mint("roles", "system.user"), mint("groups"), mint("subjects"),
                secrets("create", "test"), secrets("update", "test"));
        kube.users.put(nobody, "system:serviceaccount:apps:nobody-" + run);
        kube.users.put(noSecrets, "system:serviceaccount:apps:no-secrets-" + run);
        kube.grant("system:serviceaccount:apps:no-secrets-" + run, mint("roles"), mint("groups"), mint("subjects"));
    }

    @AfterEach
    void reset() {
        clock.release();
        server.getKubernetesMockServer().reset();
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static ValidatableResponse mintAs(String token, String body) {
        return as(token).contentType("application/json").body(body).post("/v1/tokens").then();
    }

    static void unauthenticated(ValidatableResponse r, String detail) {
        r.statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("urn:pxtoken:problem:unauthenticated"))
                .body("detail", containsString(detail));
    }

    // --- Portworx tokens

    @Test
    void aPortworxAdminMayMint() {
        mintAs(TestTokens.portworx("root@example.com", "system.admin"), ADMIN_BODY).statusCode(200)
                .body("roles", equalTo(List.of("system.admin")));
        assertEquals(0, kube.tokenReviews.get(), "a Portworx token needs no TokenReview");
    }

    @Test
    void aPortworxAdminMayReadTheTokenCheckAndAUserMayNot() {
        var empty = new io.fabric8.kubernetes.api.model.KubernetesListBuilder().build();
        server.expect().get().withPath("/apis/storage.k8s.io/v1/storageclasses").andReturn(200, empty).always();
        server.expect().get().withPath("/api/v1/persistentvolumes").andReturn(200, empty).always();
        server.expect().get().withPath("/api/v1/persistentvolumeclaims").andReturn(200, empty).always();
        as(TestTokens.portworx("root@example.com", "system.admin")).get("/v1/checks").then().statusCode(200)
                .body("items", equalTo(List.of())).body("summary.ok", equalTo(0));
        as(TestTokens.portworx("user@example.com", "system.user")).get("/v1/checks").then().statusCode(403)
                .body("missing", equalTo(List.of("role system.admin in the Portworx token")));
        as(nobody).get("/v1/checks").then().statusCode(403).body("missing", equalTo(List.of("get checks.pxtoken.io")));
    }

    @Test
    void aPortworxUserMayVerifyAndReadButNotMint() {
        String user = TestTokens.portworx("user@example.com", "system.user");
        mintAs(user, USER_BODY).statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:forbidden"))
                .body("missing", equalTo(List.of("role system.admin in the Portworx token")));
        as(user).contentType("text/plain").body(user).post("/v1/tokens/verify").then().statusCode(200).body("valid", equalTo(true));
        as(user).get("/v1/issuer").then().statusCode(200);
        as(user).get("/v1/secrets").then().statusCode(403);
    }

    @Test
    void aTokenSpellingRolesTwiceIsNoCaller() {
        // Portworx reads roles case-insensitively (the last spelling wins): {"roles":[admin],"Roles":[user]} is a
        // system.user token to Portworx, so it must not be an admin here
        String twice = TestTokens.sign(TestTokens.claims("root@example.com", List.of("system.admin"))
                .claim("Roles", List.of("system.user")).build(), JWSAlgorithm.HS256, TestKeys.secret());
        unauthenticated(mintAs(twice, ADMIN_BODY), "more than once");
    }

    @Test
    void aPortworxAdminMayNeverTouchSecrets() {
        String admin = TestTokens.portworx("root@example.com", "system.admin");
        mintAs(admin, USER_BODY.replace("}", ",\"secret\":{\"namespace\":\"test\",\"name\":\"px-k8s-user\"}}"))
                .statusCode(403).body("detail", containsString("Kubernetes caller"))
                .body("missing", equalTo(List.of("create secrets -n test", "update secrets/px-k8s-user -n test")));
        as(admin).queryParam("namespace", "test").get("/v1/secrets").then().statusCode(403);
        as(admin).delete("/v1/secrets/test/px-k8s-user").then().statusCode(403);
    }

    @Test
    void anExpiredPortworxTokenIs401() {
        String expired = TestTokens.sign(TestTokens.claims("root", List.of("system.admin"))
                .expirationTime(java.util.Date.from(Instant.now().minusSeconds(1))).build(), JWSAlgorithm.HS256, TestKeys.secret());
        unauthenticated(mintAs(expired, ADMIN_BODY), "Token is expired");
    }

    @Test
    void aBadSignatureIs401() {
        String forged = TestTokens.sign(TestTokens.claims("root", List.of("system.admin")).build(), JWSAlgorithm.HS256,
                "not-the-shared-secret-not-the-shared-secret".getBytes());
        unauthenticated(mintAs(forged, ADMIN_BODY), "signature is invalid");
    }

    @Test
    void algNoneIs401() {
        String[] parts = TestTokens.portworx("root", "system.admin").split("\\.");
        String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + parts[1] + ".";
        unauthenticated(mintAs(none, ADMIN_BODY), "Unknown token algorithm: none");
    }

    @Test
    void onlyHs256IsAcceptedForCallers() {
        String hs512 = TestTokens.sign(TestTokens.claims("root", List.of("system.admin")).build(), JWSAlgorithm.HS512, TestKeys.secret());
        unauthenticated(mintAs(hs512, ADMIN_BODY), "HS512 is not accepted");
    }

    @Test
    void aTokenOfAnotherIssuerFallsThroughToTokenReviewAndIsRefused() {
        String other = TestTokens.sign(TestTokens.claims("root", List.of("system.admin")).issuer("operator.portworx.io").build(),
                JWSAlgorithm.HS256, TestKeys.secret());
        unauthenticated(mintAs(other, ADMIN_BODY), "Kubernetes did not accept");
        assertEquals(1, kube.tokenReviews.get());
        assertEquals(List.of("px-token-service"), kube.audiencesSeen, "the configured audiences are asked for");
    }

    // --- Kubernetes tokens

    @Test
    void aKubernetesCallerMintsWhatRbacAllowsIntoASecret() {
        mintAs(minter, USER_BODY.replace("}", ",\"secret\":{\"namespace\":\"test\",\"name\":\"px-k8s-user\"}}"))
                .statusCode(200).body("secret.name", equalTo("px-k8s-user"));
    }

    @Test
    void everyMissingPermissionIsNamed() {
        mintAs(minter, ADMIN_BODY).statusCode(403)
                .body("missing", equalTo(List.of("mint roles.pxtoken.io/system.admin")))
                .body("detail", containsString("mint roles.pxtoken.io/system.admin"));
        mintAs(nobody, ADMIN_BODY).statusCode(403)
                .body("missing", equalTo(List.of("mint roles.pxtoken.io/system.admin", "mint groups.pxtoken.io/*",
                        "mint subjects.pxtoken.io/admin@example.com")));
    }

    @Test
    void writingASecretNeedsTheCallersOwnSecretRights() {
        mintAs(noSecrets, USER_BODY.replace("}", ",\"secret\":{\"namespace\":\"test\",\"name\":\"px-k8s-user\"}}"))
                .statusCode(403)
                .body("missing", equalTo(List.of("create secrets -n test", "update secrets/px-k8s-user -n test")));
        mintAs(noSecrets, USER_BODY).statusCode(200);
        as(noSecrets).queryParam("namespace", "test").get("/v1/secrets").then().statusCode(403)
                .body("missing", equalTo(List.of("list secrets -n test")));
        as(noSecrets).delete("/v1/secrets/test/px-k8s-user").then().statusCode(403)
                .body("missing", equalTo(List.of("delete secrets/px-k8s-user -n test")));
    }

    @Test
    void aKubernetesApiThatIsDownFailsClosed() {
        kube.down = true;
        as(minter).get("/v1/issuer").then().statusCode(503)
                .body("type", equalTo("urn:pxtoken:problem:auth-unavailable"));
        kube.down = false;
        as(minter).get("/v1/issuer").then().statusCode(200);
        kube.down = true;
        mintAs(minter, USER_BODY).statusCode(503).body("type", equalTo("urn:pxtoken:problem:auth-unavailable"));
    }

    @Test
    void reviewsAreCachedBrieflyAndNeverPastTheTokensExpiry() {
        as(minter).get("/v1/issuer").then().statusCode(200);
        as(minter).get("/v1/issuer").then().statusCode(200);
        assertEquals(1, kube.tokenReviews.get(), "the second call is served from the cache");
        mintAs(minter, USER_BODY).statusCode(200);
        int sars = kube.accessReviews.get();
        mintAs(minter, USER_BODY).statusCode(200);
        assertEquals(sars, kube.accessReviews.get(), "access decisions are cached too");

        clock.pin(Instant.now().plusSeconds(11));
        as(minter).get("/v1/issuer").then().statusCode(200);
        assertEquals(2, kube.tokenReviews.get(), "the cache TTL (10 s) has passed");

        long exp = Instant.now().getEpochSecond() + 3;
        String shortLived = TestTokens.unsigned("{\"iss\":\"https://kubernetes.default.svc\",\"sub\":\"x\",\"exp\":" + exp + "}");
        kube.users.put(shortLived, "system:serviceaccount:apps:short-" + run);
        clock.release();
        as(shortLived).get("/v1/issuer").then().statusCode(200);
        as(shortLived).get("/v1/issuer").then().statusCode(200);
        assertEquals(3, kube.tokenReviews.get());
        clock.pin(Instant.ofEpochSecond(exp));
        as(shortLived).get("/v1/issuer").then().statusCode(200);
        assertEquals(4, kube.tokenReviews.get(), "the cached review ended with the token, before the TTL");
    }

    // --- verified bearers remembered (VerifiedBearers): never longer than the check they stand for

    @Test
    void aRevokedKubernetesTokenIsRefusedOnceItsCachedReviewEnds() {
        as(minter).get("/v1/issuer").then().statusCode(200);
        kube.users.remove(minter);
        as(minter).get("/v1/issuer").then().statusCode(200);
        assertEquals(1, kube.tokenReviews.get(), "within the TTL the cached review stands, as documented");
        clock.pin(Instant.now().plusSeconds(11));
        unauthenticated(as(minter).get("/v1/issuer").then(), "Kubernetes did not accept");
        assertEquals(2, kube.tokenReviews.get(), "after the TTL the token is reviewed again, and the review now fails");
    }

    @Test
    void aTokenThatSharesAPrefixWithARememberedOneIsCheckedOnItsOwn() {
        as(minter).get("/v1/issuer").then().statusCode(200);
        as(minter).get("/v1/issuer").then().statusCode(200);
        unauthenticated(as(minter + "x").get("/v1/issuer").then(), "Kubernetes did not accept");
        unauthenticated(as(minter.substring(0, minter.length() - 1)).get("/v1/issuer").then(), "Kubernetes did not accept");
        assertEquals(3, kube.tokenReviews.get());
        String admin = TestTokens.portworx("root@example.com", "system.admin");
        as(admin).get("/v1/issuer").then().statusCode(200);
        String forged = admin.substring(0, admin.length() - 2) + (admin.endsWith("AA") ? "BB" : "AA");
        unauthenticated(as(forged).get("/v1/issuer").then(), "rejected");
    }

    @Test
    void aRememberedPortworxCallerEndsWithItsToken() {
        long exp = Instant.now().getEpochSecond() + 3;
        String admin = TestTokens.sign(TestTokens.claims("root@example.com", List.of("system.admin"))
                .expirationTime(new java.util.Date(exp * 1000)).build(), JWSAlgorithm.HS256, TestKeys.secret());
        as(admin).get("/v1/issuer").then().statusCode(200);
        as(admin).get("/v1/issuer").then().statusCode(200);
        clock.pin(Instant.ofEpochSecond(exp + 1));
        unauthenticated(as(admin).get("/v1/issuer").then(), "expired");
    }

    // --- the header itself

    @Test
    void missingAndMalformedHeadersAre401() {
        unauthenticated(given().get("/v1/issuer").then(), "Authorization: Bearer");
        unauthenticated(given().header("Authorization", "Basic dXNlcjpwYXNz").get("/v1/issuer").then(), "must be \"Bearer <token>\"");
        unauthenticated(given().header("Authorization", "Bearer ").get("/v1/issuer").then(), "must be \"Bearer <token>\"");
        unauthenticated(given().header("Authorization", "Bearer a b").get("/v1/issuer").then(), "characters a token cannot have");
        unauthenticated(given().header("Authorization", "Bearer " + "x".repeat(20_000)).get("/v1/issuer").then(), "longer than");
        String body = given().header("Authorization", "Bearer unknown-secret-token").get("/v1/issuer").then().statusCode(401)
                .extract().asString();
        assertFalse(body.contains("unknown-secret-token"), body);
    }

    @Test
    void healthMetricsAndDocsStayOpen() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("paths.'/v1/tokens'.post.security[0].keySet()", hasItem("bearer"))
                .body("paths.'/v1/tokens'.post.responses.keySet()", hasItem("401"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void perRoleMaximumsApply() {
        String admin = TestTokens.portworx("root@example.com", "system.admin");
        mintAs(admin, ADMIN_BODY.replace("\"1d\"", "\"2d\"")).statusCode(400)
                .body("errors[0].field", equalTo("duration"))
                .body("errors[0].reason", containsString("maximum of 1d for role system.admin"));
        mintAs(admin, USER_BODY.replace("}", ",\"duration\":\"30d\"}")).statusCode(200);
    }

    // --- the audit trail

    @Test
    void everyDecisionIsAnAuditLineWithoutTokens() throws Exception {
        String admin = TestTokens.portworx("root@example.com", "system.admin");
        String jti;
        List<String> lines;
        try (LogCapture logs = LogCapture.start()) {
            jti = mintAs(admin, ADMIN_BODY).statusCode(200).extract().path("jti");
            mintAs(minter, ADMIN_BODY).statusCode(403);
            given().get("/v1/issuer").then().statusCode(401);
            lines = logs.lines();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> audit = lines.stream().filter(l -> l.startsWith(Audit.LOGGER + " "))
                .map(l -> l.substring(Audit.LOGGER.length() + 1)).map(l -> {
                    try {
                        return json.readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError("not JSON: " + l);
                    }
                }).toList();
        assertEquals(3, audit.size(), lines.toString());

        JsonNode minted = audit.get(0);
        assertTrue(Instant.parse(minted.get("time").asText()).isAfter(Instant.now().minusSeconds(60)));
        assertEquals("root@example.com", minted.get("caller").asText());
        assertEquals("portworx", minted.get("authKind").asText());
        assertEquals("mint", minted.get("action").asText());
        assertEquals("admin@example.com", minted.get("sub").asText());
        assertEquals("[\"system.admin\"]", minted.get("roles").toString());
        assertEquals("[\"*\"]", minted.get("groups").toString());
        assertEquals("1d", minted.get("duration").asText());
        assertEquals("allow", minted.get("decision").asText());
        assertEquals(200, minted.get("status").asInt());
        assertEquals(jti, minted.get("jti").asText());
        assertEquals(io.pxtoken.keys.SharedSecret.fingerprint(TestKeys.secret()), minted.get("keyFingerprint").asText());

        JsonNode denied = audit.get(1);
        assertTrue(denied.get("caller").asText().startsWith("system:serviceaccount:apps:minter-"));
        assertEquals("kubernetes", denied.get("authKind").asText());
        assertEquals("deny", denied.get("decision").asText());
        assertEquals(403, denied.get("status").asInt());
        assertEquals("[\"mint roles.pxtoken.io/system.admin\"]", denied.get("missing").toString());
        assertTrue(denied.get("jti").isNull());

        JsonNode anonymous = audit.get(2);
        assertEquals("deny", anonymous.get("decision").asText());
        assertEquals(401, anonymous.get("status").asInt());
        assertEquals("read-issuer", anonymous.get("action").asText());

        String signature = admin.split("\\.")[2];
        for (String line : lines) {
            assertFalse(line.contains(signature) || line.contains(minter), "token in log line: " + line);
        }
    }

    @Test
    void theOpenApiDocumentOffersBearerAuthentication() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .extract().asString());
        // Swagger UI renders descriptions as Markdown: a bare <serviceaccount> would be dropped as an HTML tag
        String authorize = doc.get("components").get("securitySchemes").get("bearer").get("description").asText();
        assertTrue(authorize.contains("`kubectl create token <serviceaccount>`"), authorize);
        assertTrue(doc.get("paths").get("/v1/tokens").get("post").has("security"), "the padlock on POST /v1/tokens");
    }
}
