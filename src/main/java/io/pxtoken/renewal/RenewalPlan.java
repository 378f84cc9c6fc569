package io.pxtoken.renewal;

import java.time.Duration;
import java.time.Instant;

/**
 * When a stored token is renewed: at 2/3 of its lifetime (from the moment it was minted to {@code exp}; the
 * {@code iat} backdating does not count), moved earlier by a jitter of at most 5% of the lifetime so that Secrets
 * minted together do not renew together; or {@code renewBefore} ahead of {@code exp} when the request said so.
 */
public final class RenewalPlan {

    static final double SHARE = 2.0 / 3.0;
    static final double MAX_JITTER = 0.05;

    private RenewalPlan() {
    }

    /**
     * @param mintedAt when the token was signed
     * @param expiresAt its {@code exp}
     * @param renewBefore how long before {@code exp} to renew, or null for 2/3 of the lifetime
     * @param jitter a number in [0, 1): the share of the maximum jitter to apply
     */
    public static Instant renewalTime(Instant mintedAt, Instant expiresAt, Duration renewBefore, double jitter) {
        if (renewBefore != null) {
            return expiresAt.minus(renewBefore);
        }
        long lifetimeMillis = Duration.between(mintedAt, expiresAt).toMillis();
        long at = Math.round(lifetimeMillis * SHARE - lifetimeMillis * MAX_JITTER * Math.max(0, Math.min(1, jitter)));
        return mintedAt.plusMillis(at);
    }
}
