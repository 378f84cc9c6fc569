package io.pxtoken.renewal;

import static io.pxtoken.Eventually.within;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.nimbusds.jwt.SignedJWT;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.pxtoken.LeaderProfile;
import io.pxtoken.QuietLogs;
import io.pxtoken.TestClock;
import io.pxtoken.TestKeys;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Managed tokens kept valid against the mock API server (CRUD mode, with watches): renewed on time with the same
 * claims, kept when renewal fails and retried, re-signed after a rotation, and never renewed early. The test moves
 * the service's clock; it waits (bounded) only for the controller to act on what the clock says.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(RenewalTest.Profile.class)
class RenewalTest {

    /** The failed renewal that a test provokes stays off the console (printed if a test fails). */
    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.renewal.RenewalController", "io.pxtoken.kube.TokenSecrets");

    static final String FIRST = "f".repeat(64);
    static final String SECOND = "s".repeat(64);
    static Path dir;
    static volatile String key = FIRST;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            LeaderProfile profile = LeaderProfile.sharedSecret(FIRST).namespaces("test").tick("50ms");
            dir = profile.keysDir();
            return profile.build();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    TestClock clock;

    @Inject
    RenewalController controller;

    @Inject
    io.pxtoken.leader.Controllers controllers;

    @BeforeEach
    void leader() throws InterruptedException {
        within(Duration.ofSeconds(30), controller::leading, "this replica leads");
    }

    @AfterEach
    void release() {
        clock.release();
    }

    private Secret secret(String name) {
        return server.getClient().secrets().inNamespace("test").withName(name).get();
    }

    private static String annotation(Secret s, String name) {
        return s.getMetadata().getAnnotations().get(name);
    }

    private static void mint(String name, String duration, String secretExtra) {
        given().contentType("application/json").body("{\"name\":\"Renewed User\",\"email\":\"r@example.com\",\"sub\":\"r@example.com\","
                + "\"roles\":[\"system.user\"],\"groups\":[\"kubernetes\"],\"duration\":\"" + duration + "\","
                + "\"secret\":{\"namespace\":\"test\",\"name\":\"" + name + "\"" + secretExtra + "}}")
                .post("/v1/tokens").then().statusCode(200);
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private List<String> eventReasons(String name) {
        return server.getClient().v1().events().inNamespace("test").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }

    @Test
    void aTokenIsRenewedAtTwoThirdsOfItsLifetimeWithANewJtiAndTheSameClaims() throws Exception {
        clock.pin(Instant.now());
        mint("short", "30s", "");
        Secret before = secret("short");
        Instant exp = Instant.parse(annotation(before, ManagedSecrets.EXPIRES_AT));
        Instant mintedAt = exp.minusSeconds(30);
        Instant renewal = Instant.parse(annotation(before, ManagedSecrets.RENEWAL_TIME));
        assertFalse(renewal.isBefore(mintedAt.plusMillis(18_000)), "not before 60% of the lifetime: " + renewal);
        assertFalse(renewal.isAfter(mintedAt.plusMillis(20_000)), "not after 2/3 of the lifetime: " + renewal);
        String jti = annotation(before, ManagedSecrets.JTI);

        clock.pin(renewal.minusMillis(500));
        Thread.sleep(500);
        assertEquals(jti, annotation(secret("short"), ManagedSecrets.JTI), "nothing happens before the renewal time");

        clock.pin(renewal.plusMillis(1));
        within(Duration.ofSeconds(20), () -> !jti.equals(annotation(secret("short"), ManagedSecrets.JTI)), "renewed");
        Secret after = secret("short");
        String token = ManagedSecrets.token(after);
        SignedJWT jwt = TestKeys.verified(token, key.getBytes(StandardCharsets.UTF_8));
        assertEquals("r@example.com", jwt.getJWTClaimsSet().getSubject());
        assertEquals(List.of("system.user"), jwt.getJWTClaimsSet().getStringListClaim("roles"));
        assertEquals(List.of("kubernetes"), jwt.getJWTClaimsSet().getStringListClaim("groups"));
        assertEquals(renewal.plusMillis(1).getEpochSecond() + 30, jwt.getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond());
        assertTrue(Instant.parse(annotation(after, ManagedSecrets.RENEWAL_TIME)).isAfter(renewal), "the next renewal is later");
        within(Duration.ofSeconds(10), () -> eventReasons("short").contains("Renewed"), "a Renewed Event");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("pxtoken_secret_expiration_timestamp_seconds{name=\"short\",namespace=\"test\"}"))
                .body(containsString("pxtoken_leader 1.0"));
    }

    @Test
    void renewBeforeMovesTheRenewalAndRenewFalseKeepsTheToken() throws Exception {
        clock.pin(Instant.now());
        mint("early", "1h", ",\"renewBefore\":\"10m\"");
        mint("kept", "1h", ",\"renew\":false");
        Secret early = secret("early");
        Instant exp = Instant.parse(annotation(early, ManagedSecrets.EXPIRES_AT));
        assertEquals(exp.minusSeconds(600), Instant.parse(annotation(early, ManagedSecrets.RENEWAL_TIME)));
        Secret kept = secret("kept");
        assertEquals("false", annotation(kept, ManagedSecrets.RENEW));
        assertNull(annotation(kept, ManagedSecrets.RENEWAL_TIME));
        String earlyJti = annotation(early, ManagedSecrets.JTI);
        String keptJti = annotation(kept, ManagedSecrets.JTI);

        clock.pin(exp.minusSeconds(599));
        within(Duration.ofSeconds(20), () -> !earlyJti.equals(annotation(secret("early"), ManagedSecrets.JTI)), "early renewed");
        clock.pin(exp.plusSeconds(60));
        Thread.sleep(300);
        assertEquals(keptJti, annotation(secret("kept"), ManagedSecrets.JTI), "renew: false is never renewed");
        given().get("/v1/secrets?namespace=test").then().statusCode(200)
                .body("find { it.name == 'kept' }.renewalTime", org.hamcrest.Matchers.nullValue())
                .body("find { it.name == 'early' }.renewalTime", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aRenewBeforeNotShorterThanTheDurationIsRefusedAndNothingWritten() {
        given().contentType("application/json").body("{\"name\":\"R\",\"email\":\"r@example.com\",\"roles\":[\"system.user\"],"
                + "\"duration\":\"1h\",\"secret\":{\"namespace\":\"test\",\"name\":\"always\",\"renewBefore\":\"60m\"}}")
                .post("/v1/tokens").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("secret.renewBefore"))
                .body("errors[0].reason", containsString("is not shorter than the duration"));
        assertNull(secret("always"), "nothing written");
    }

    @Test
    void aFailedRenewalKeepsTheOldTokenReportsItAndSucceedsOnRetry() throws Exception {
        clock.pin(Instant.now());
        mint("flaky", "30s", "");
        Secret before = secret("flaky");
        String jti = annotation(before, ManagedSecrets.JTI);
        String token = ManagedSecrets.token(before);
        Instant renewal = Instant.parse(annotation(before, ManagedSecrets.RENEWAL_TIME));
        server.expect().put().withPath("/api/v1/namespaces/test/secrets/flaky")
                .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd is down").build()).once();

        clock.pin(renewal.plusMillis(1));
        within(Duration.ofSeconds(20), () -> eventReasons("flaky").contains("RenewalFailed"), "a RenewalFailed Event");
        assertEquals(jti, annotation(secret("flaky"), ManagedSecrets.JTI));
        assertEquals(token, ManagedSecrets.token(secret("flaky")), "the stored token is untouched");
        within(Duration.ofSeconds(10), () -> metrics().contains("pxtoken_secret_renewal_failures{name=\"flaky\",namespace=\"test\"} 1.0"),
                "the failure counted on the Secret's gauge: " + metrics());
        // one write per failed renewal: the failed PUT, nothing to record it (the Secret is exactly as it was)
        assertEquals(before.getMetadata().getResourceVersion(), secret("flaky").getMetadata().getResourceVersion(),
                "no second write to record the failure");
        assertNull(annotation(secret("flaky"), ManagedSecrets.RENEWAL_ERROR));
        given().get("/v1/secrets?namespace=test").then().statusCode(200)
                // the old token is still valid: a failed renewal costs nothing until it expires
                .body("find { it.name == 'flaky' }.ready", org.hamcrest.Matchers.equalTo(true))
                .body("find { it.name == 'flaky' }.proven", org.hamcrest.Matchers.equalTo(true));

        clock.pin(renewal.plusSeconds(11));
        within(Duration.ofSeconds(20), () -> !jti.equals(annotation(secret("flaky"), ManagedSecrets.JTI)), "renewed on retry");
        TestKeys.verified(ManagedSecrets.token(secret("flaky")), key.getBytes(StandardCharsets.UTF_8));
        // the success carries what failed before it
        assertTrue(annotation(secret("flaky"), ManagedSecrets.RENEWAL_ERROR).contains("HTTP 500"),
                annotation(secret("flaky"), ManagedSecrets.RENEWAL_ERROR));
        given().get("/v1/secrets?namespace=test").then().statusCode(200)
                .body("find { it.name == 'flaky' }.lastRenewalError", containsString("1 failed attempt(s) before this renewal"));
        assertFalse(metrics().contains("pxtoken_secret_renewal_failures{name=\"flaky\""), "the gauge goes with the failures");
    }

    @Test
    void aRestartRenewsNothingEarly() throws Exception {
        clock.pin(Instant.now());
        mint("steady", "1h", "");
        String jti = annotation(secret("steady"), ManagedSecrets.JTI);
        controllers.stopLeading();
        controllers.startLeading();
        Thread.sleep(500);
        assertEquals(jti, annotation(secret("steady"), ManagedSecrets.JTI));
    }

    @Test
    void aRotationReSignsEveryManagedSecret() throws Exception {
        clock.pin(Instant.now());
        for (int i = 1; i <= 3; i++) {
            mint("rotated-" + i, "1h", "");
        }
        String next = key.equals(FIRST) ? SECOND : FIRST;
        String fingerprint = SharedSecret.fingerprint(next.getBytes(StandardCharsets.UTF_8));
        TestKeys.write(dir, next);
        key = next;
        for (int i = 1; i <= 3; i++) {
            String name = "rotated-" + i;
            within(Duration.ofSeconds(30), () -> fingerprint.equals(annotation(secret(name), ManagedSecrets.KEY_FINGERPRINT)),
                    name + " re-signed");
            TestKeys.verified(ManagedSecrets.token(secret(name)), next.getBytes(StandardCharsets.UTF_8));
            within(Duration.ofSeconds(10), () -> eventReasons(name).contains("Resigned"), "a Resigned Event on " + name);
        }
    }

    @Test
    void editedClaimsAreNeverMintedAgain() throws Exception {
        clock.pin(Instant.now());
        mint("edited", "30s", "");
        Secret s = secret("edited");
        String jti = annotation(s, ManagedSecrets.JTI);
        Instant renewal = Instant.parse(annotation(s, ManagedSecrets.RENEWAL_TIME));
        server.getClient().secrets().inNamespace("test").resource(
                ManagedSecrets.annotated(s, ManagedSecrets.ROLES, "[\"system.admin\"]")).update();
        clock.pin(renewal.plusMillis(1));
        within(Duration.ofSeconds(20), () -> eventReasons("edited").contains("RenewalSkipped"), "a RenewalSkipped Event");
        assertEquals(jti, annotation(secret("edited"), ManagedSecrets.JTI), "no admin token was minted from an edited annotation");
        assertNotEquals("[\"system.user\"]", annotation(secret("edited"), ManagedSecrets.ROLES));
    }
}
