package io.pxtoken.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.AccessReviews;
import io.pxtoken.kube.KubernetesUser;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.TokenVerifier;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * A Kubernetes token as a caller, asked of the API server with a TokenReview. What stands before a review, in order:
 * the answer cache (accepted tokens for {@code pxtoken.auth.cache-ttl}, never past their {@code exp}; rejected ones
 * for {@code negative-cache-ttl}; keyed by hash), the per-address limit, and the bound on reviews in flight. Reviews
 * run on their own small pool, never on a request thread, and concurrent requests with one token share one review.
 */
@ApplicationScoped
public class KubernetesIdentityProvider implements IdentityProvider<BearerToken.Kubernetes> {

    /** A review's answer and how long it may be reused. */
    private record Review(Optional<KubernetesUser> user, Instant expiresAt, long untilNanos) {
    }

    private final AccessReviews reviews;
    private final List<String> audiences;
    private final Clock clock;
    private final Duration ttl;
    private final Duration negativeTtl;
    private final TokenBuckets perAddress;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final ExecutorService pool;
    private final AsyncCache<String, Review> answers;

    public KubernetesIdentityProvider(PxTokenConfig config, AccessReviews reviews, Clock clock) {
        this.reviews = reviews;
        this.audiences = config.auth().kubernetes().audiences().orElse(List.of());
        this.clock = clock;
        this.ttl = config.auth().cacheTtl();
        this.negativeTtl = config.auth().negativeCacheTtl();
        var limit = config.rateLimit().perAddress();
        this.perAddress = limit.enabled()
                ? new TokenBuckets("requests from this address that need a TokenReview", limit.rate(), limit.burst(), clock)
                : null;
        this.maxInFlight = Math.max(1, config.auth().kubernetes().maxReviewsInFlight());
        this.inFlight = new Semaphore(maxInFlight);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(maxInFlight, r -> {
            Thread t = new Thread(r, "token-review-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.answers = Caffeine.newBuilder()
                .maximumSize(10_000)
                .ticker(this::nanos)
                .expireAfter(new ExpiresAt<String, Review>(Review::untilNanos))
                .buildAsync();
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    /** TokenReviews waiting on the API server now. */
    public int reviewsInFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    @Override
    public Class<BearerToken.Kubernetes> getRequestType() {
        return BearerToken.Kubernetes.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(BearerToken.Kubernetes request, AuthenticationRequestContext context) {
        String key = hash(request.token());
        Uni<SecurityIdentity> identity = Uni.createFrom().completionStage(() -> {
            CompletableFuture<Review> answer = answers.getIfPresent(key);
            return answer != null ? answer : review(key, request);
        }).map(KubernetesIdentityProvider::identity);
        // a review completes on its own pool: the request goes on on the event loop it came from
        io.vertx.core.Context origin = io.vertx.core.Vertx.currentContext();
        return origin == null ? identity : identity.emitOn(task -> origin.runOnContext(v -> task.run()));
    }

    /** A new review, if the address may ask for one and a slot is free; the answer is shared with concurrent askers. */
    private CompletableFuture<Review> review(String key, BearerToken.Kubernetes request) {
        if (perAddress != null) {
            perAddress.acquire(request.address());
        }
        if (!inFlight.tryAcquire()) {
            throw new ReviewsBusyException(maxInFlight + " TokenReviews are in flight already (pxtoken.auth.kubernetes."
                    + "max-reviews-in-flight); retry shortly");
        }
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<Review> answer;
        try {
            answer = answers.get(key, (k, executor) -> {
                started.set(true);
                return CompletableFuture.supplyAsync(() -> ask(request.token()), pool)
                        .whenComplete((r, t) -> inFlight.release());
            });
        } catch (RuntimeException e) {
            if (!started.get()) {
                inFlight.release();
            }
            throw e;
        }
        if (!started.get()) {
            inFlight.release();
        }
        return answer;
    }

    private Review ask(String token) {
        Optional<KubernetesUser> user = reviews.review(token, audiences);
        long now = nanos();
        Instant expires = expiry(token);
        long until = now + (user.isPresent() ? ttl : negativeTtl).toNanos();
        if (user.isPresent() && expires != null) {
            until = Math.min(until, nanos(expires));
        }
        return new Review(user, expires, until);
    }

    private static SecurityIdentity identity(Review review) {
        KubernetesUser u = review.user().orElseThrow(() -> new AuthenticationFailedException(
                "Kubernetes did not accept the bearer token (TokenReview): it is expired, revoked, for another audience, or not a token"));
        Caller caller = new Caller(Caller.Kind.KUBERNETES, u.username(), List.of(), u, review.expiresAt(), null);
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(u.username()))
                .addRoles(Set.copyOf(u.groups()))
                .addAttribute(Caller.ATTRIBUTE, caller)
                .addAttribute(VerifiedBearers.VALID_UNTIL, review.untilNanos())
                .build();
    }

    /** A JWT's exp, to bound how long its review is reused; null when it has none or it is out of range. */
    static Instant expiry(String token) {
        Map<String, Object> claims;
        try {
            claims = TokenVerifier.unverifiedClaims(token);
        } catch (RuntimeException e) {
            return null;
        }
        if (claims != null && claims.get(TokenIssuer.EXP) instanceof Number n) {
            double seconds = n.doubleValue();
            // anything past year 9999 is as good as no expiry for a cache entry of seconds
            if (seconds > 0 && seconds < 253_402_300_800d) {
                return Instant.ofEpochSecond((long) seconds);
            }
        }
        return null;
    }

    private long nanos() {
        return nanos(clock.instant());
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Cache keys are hashes: the cache never holds a token. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
