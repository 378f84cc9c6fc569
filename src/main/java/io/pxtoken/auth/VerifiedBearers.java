package io.pxtoken.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.pxtoken.config.PxTokenConfig;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Bearer tokens already verified, remembered by their SHA-256 digest (never the token) with the caller they proved,
 * so a caller's next requests skip the token's parsing, its routing and the identity provider. An entry lives exactly
 * as long as the check it stands for may be reused, which the provider states on the identity ({@link #VALID_UNTIL}):
 * for a Kubernetes token the TokenReview's cache entry (the review cache's TTL, never past the token's {@code exp}),
 * for a Portworx token the TTL and its {@code exp}, and only while the shared secret it was verified with is still
 * the current one ({@link #VALID_WHILE}). So revocation and rotation are seen no later than without this cache. Failures
 * are never remembered here. Bounded: at most {@code MAX} entries, least recently used go first.
 */
@ApplicationScoped
public class VerifiedBearers {

    /** Identity attribute: until when (epoch nanoseconds of the service's clock) the check may be reused. */
    public static final String VALID_UNTIL = VerifiedBearers.class.getName() + ".until";
    /** Identity attribute, optional: a {@link BooleanSupplier} that must still hold for the check to be reused. */
    public static final String VALID_WHILE = VerifiedBearers.class.getName() + ".while";
    static final int MAX = 10_000;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** A token's SHA-256 digest as four longs: compared in full, hashed cheaply, never convertible back. */
    public record Digest(long a, long b, long c, long d) {
    }

    private record Entry(SecurityIdentity identity, long untilNanos, BooleanSupplier validWhile) {
    }

    private final Clock clock;
    private final boolean enabled;
    private final Cache<Digest, Entry> entries;

    @Inject
    public VerifiedBearers(PxTokenConfig config, Clock clock) {
        this(clock, !config.auth().cacheTtl().isZero(), MAX);
    }

    VerifiedBearers(Clock clock, boolean enabled, int max) {
        this.clock = clock;
        this.enabled = enabled;
        this.entries = Caffeine.newBuilder()
                .maximumSize(max)
                .executor(Runnable::run)
                .ticker(this::nanos)
                .expireAfter(new ExpiresAt<Digest, Entry>(Entry::untilNanos))
                .build();
    }

    public static Digest digest(String token) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        ByteBuffer d = ByteBuffer.wrap(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        return new Digest(d.getLong(), d.getLong(), d.getLong(), d.getLong());
    }

    /** The caller this token proved, while that check may still be reused; else null. */
    public SecurityIdentity get(Digest digest) {
        if (!enabled) {
            return null;
        }
        Entry e = entries.getIfPresent(digest);
        if (e == null) {
            return null;
        }
        if (e.untilNanos() <= nanos() || (e.validWhile() != null && !e.validWhile().getAsBoolean())) {
            entries.asMap().remove(digest, e);
            return null;
        }
        return e.identity();
    }

    /** Remembers a verified caller, if its provider said until when (an identity without {@link #VALID_UNTIL} is not). */
    public void put(Digest digest, SecurityIdentity identity) {
        if (!enabled || !(identity.getAttribute(VALID_UNTIL) instanceof Long until) || until <= nanos()) {
            return;
        }
        entries.put(digest, new Entry(identity, until, identity.getAttribute(VALID_WHILE)));
    }

    /** Entries held now (after evictions are applied). */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private long nanos() {
        return nanos(clock.instant());
    }

    public static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
