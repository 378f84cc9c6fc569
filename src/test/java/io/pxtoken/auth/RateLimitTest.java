package io.pxtoken.auth;

import static io.pxtoken.auth.FakeKubernetesAuth.mint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import io.pxtoken.TestClock;
import io.pxtoken.TestTokens;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The per-caller token bucket, keyed by who the caller is; the clock stands still unless the test moves it. Each test
 * pins its own later moment (within the test tokens' hour), so every bucket starts full.
 */
@QuarkusTest
@WithKubernetesTestServer(setup = EnforcedRbac.class)
@TestProfile(RateLimitTest.Profile.class)
class RateLimitTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.auth.enabled", "true", "pxtoken.auth.portworx.enabled", "true",
                    "pxtoken.kubernetes.enabled", "true",
                    "pxtoken.rate-limit.burst", "3", "pxtoken.rate-limit.rate", "0.2");
        }
    }

    @Inject
    TestClock clock;

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @AfterEach
    void release() {
        clock.release();
        server.getKubernetesMockServer().reset();
    }

    static io.restassured.response.ValidatableResponse issuer(String token) {
        return given().header("Authorization", "Bearer " + token).get("/v1/issuer").then();
    }

    @Test
    void answers429WithRetryAfterPastTheBurstAndRefillsWithTime() {
        clock.pin(Instant.now().plusSeconds(100));
        String flood = TestTokens.portworx("flood@example.com", "system.view");
        for (int i = 0; i < 3; i++) {
            issuer(flood).statusCode(200);
        }
        // empty bucket, 0.2 per second: the next request passes in 5 s
        issuer(flood).statusCode(429).contentType("application/problem+json")
                .header("Retry-After", equalTo("5"))
                .body("type", equalTo("urn:pxtoken:problem:rate-limited"));
        clock.pin(clock.instant().plusSeconds(4));
        issuer(flood).statusCode(429).header("Retry-After", equalTo("1"));
        clock.pin(clock.instant().plusSeconds(1));
        issuer(flood).statusCode(200);
        issuer(flood).statusCode(429);
        // limits are per caller: someone else is not held back
        issuer(TestTokens.portworx("calm@example.com", "system.view")).statusCode(200);
    }

    @Test
    void aTokenCarryingSomeoneElsesSubSpendsItsOwnBudget() {
        clock.pin(Instant.now().plusSeconds(200));
        String admin = TestTokens.portworx("admin@example.com", "system.admin");
        String impostor = TestTokens.portworx("admin@example.com", "system.view");
        for (int i = 0; i < 3; i++) {
            issuer(impostor).statusCode(200);
        }
        issuer(impostor).statusCode(429);
        for (int i = 0; i < 3; i++) {
            issuer(admin).statusCode(200);
        }
    }

    @Test
    void kubernetesCallersAreLimitedByUidAcrossTheirTokens() {
        clock.pin(Instant.now().plusSeconds(300));
        FakeKubernetesAuth kube = new FakeKubernetesAuth();
        kube.install(server);
        kube.users.put("first-token-of-bob", "system:serviceaccount:apps:bob");
        kube.users.put("second-token-of-bob", "system:serviceaccount:apps:bob");
        kube.users.put("token-of-carol", "system:serviceaccount:apps:carol");
        kube.grant("system:serviceaccount:apps:bob", mint("roles"));
        issuer("first-token-of-bob").statusCode(200);
        issuer("second-token-of-bob").statusCode(200);
        issuer("first-token-of-bob").statusCode(200);
        issuer("second-token-of-bob").statusCode(429);
        issuer("token-of-carol").statusCode(200);
    }
}
