package io.pxtoken.auth;

import static io.pxtoken.auth.FakeKubernetesAuth.mint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import io.pxtoken.TestClock;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;

/**
 * Junk bearers cannot flood the API server: the per-address limit and the bound on reviews in flight stand before
 * every TokenReview, rejected tokens are remembered by hash, and callers already reviewed pass untouched. The clock
 * is pinned and moved by the test, so the budgets are exact.
 */
@QuarkusTest
@WithKubernetesTestServer(setup = EnforcedRbac.class)
@TestProfile(ReviewFloodTest.Profile.class)
class ReviewFloodTest {

    /** The production defaults for the limits under test. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.auth.enabled", "true", "pxtoken.kubernetes.enabled", "true");
        }
    }

    static final String BODY = "{\"name\":\"n\",\"sub\":\"s\",\"roles\":[\"system.user\"]}";

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    TestClock clock;

    @Inject
    KubernetesIdentityProvider provider;

    private static final java.util.concurrent.atomic.AtomicLong EPOCHS = new java.util.concurrent.atomic.AtomicLong();

    /** Each test starts at its own moment, later than any before: buckets refill and caches expire between tests. */
    @org.junit.jupiter.api.BeforeEach
    void ownMoment() {
        clock.pin(Instant.now().plusSeconds(100_000 * EPOCHS.incrementAndGet()));
    }

    @AfterEach
    void reset() {
        clock.release();
        server.getKubernetesMockServer().reset();
    }

    /** A caller granted what BODY needs, reviewed once so that it is cached. */
    private String cachedCaller(FakeKubernetesAuth kube) {
        String run = UUID.randomUUID().toString();
        String token = "cached-" + run;
        String user = "system:serviceaccount:apps:cached-" + run;
        kube.users.put(token, user);
        kube.grant(user, mint("roles", "system.user"), mint("subjects", "s"));
        mintAs(token).then().statusCode(200);
        return token;
    }

    private static Response mintAs(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json").body(BODY).post("/v1/tokens");
    }

    private static Response issuer(String token) {
        return given().header("Authorization", "Bearer " + token).get("/v1/issuer");
    }

    @Test
    void junkFromOneAddressCostsAtMostTheBurstPlusTheRate() {
        FakeKubernetesAuth kube = new FakeKubernetesAuth();
        kube.install(server);
        String cached = cachedCaller(kube);
        int reviewsBefore = kube.tokenReviews.get();

        // 300 junk bearers from one address over 3 s (the clock moves 10 ms a request)
        int unauthorized = 0;
        int limited = 0;
        for (int i = 0; i < 300; i++) {
            Response r = issuer("junk-" + UUID.randomUUID());
            if (r.statusCode() == 429) {
                limited++;
                assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
                assertEquals("application/problem+json", r.contentType());
            } else {
                assertEquals(401, r.statusCode());
                unauthorized++;
            }
            clock.pin(clock.instant().plusMillis(10));
        }
        int reviews = kube.tokenReviews.get() - reviewsBefore;
        // burst 20 (one spent on the cached caller) plus 10 per second for 3 s
        assertTrue(reviews <= 19 + 30, reviews + " TokenReviews");
        assertTrue(reviews >= 19 + 28, "the limit lets the rate through: " + reviews);
        assertEquals(reviews, unauthorized);
        assertEquals(300 - reviews, limited);
        // a caller already reviewed is not held back by its address's limit
        mintAs(cached).then().statusCode(200);
        issuer(cached).then().statusCode(200);
    }

    @Test
    void aRejectedTokenIsRememberedBriefly() {
        FakeKubernetesAuth kube = new FakeKubernetesAuth();
        kube.install(server);
        String junk = "junk-" + UUID.randomUUID();
        issuer(junk).then().statusCode(401);
        issuer(junk).then().statusCode(401);
        assertEquals(1, kube.tokenReviews.get(), "the second answer came from the negative cache");
        clock.pin(clock.instant().plusSeconds(11));
        issuer(junk).then().statusCode(401);
        assertEquals(2, kube.tokenReviews.get(), "after negative-cache-ttl (10 s) it is asked again");
    }

    @Test
    void slowReviewsNeverHoldUpCachedCallersAndAreBoundedInFlight() throws Exception {
        FakeKubernetesAuth fast = new FakeKubernetesAuth();
        fast.install(server);
        String cached = cachedCaller(fast);
        server.getKubernetesMockServer().reset();
        FakeKubernetesAuth slow = new FakeKubernetesAuth();
        slow.installSlowReviews(server, 6);

        List<CompletableFuture<Integer>> pending = new ArrayList<>();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8; i++) {
            String junk = "slow-junk-" + UUID.randomUUID();
            pending.add(CompletableFuture.supplyAsync(() -> issuer(junk).statusCode(), threads));
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (provider.reviewsInFlight() < 8 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(8, provider.reviewsInFlight(), "eight reviews are waiting on the API server");

        issuer("one-too-many-" + UUID.randomUUID()).then().statusCode(503)
                .header("Retry-After", "1").body("type", equalTo("urn:pxtoken:problem:reviews-busy"));
        long started = System.nanoTime();
        mintAs(cached).then().statusCode(200);
        long mintMillis = (System.nanoTime() - started) / 1_000_000;
        issuer(cached).then().statusCode(200);
        assertEquals(8, provider.reviewsInFlight(), "the cached caller was answered while all eight still waited");
        // a figure for the notes, not an assertion: timing depends on the machine
        System.out.printf("FIGURE cached caller's mint took %d ms while 8 TokenReviews waited on a 6 s API server%n", mintMillis);

        for (CompletableFuture<Integer> f : pending) {
            assertEquals(401, f.get());
        }
        assertEquals(0, provider.reviewsInFlight());
        threads.shutdown();
    }
}
