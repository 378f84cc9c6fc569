package io.pxtoken.auth;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.config.PxTokenConfig;

/**
 * A token bucket per caller identity: {@code burst} requests at once, refilled at {@code rate} per second.
 * Hand-written: a dozen lines, where a library would add a dependency for one map of counters.
 */
@ApplicationScoped
public class RateLimiter {

    private static final int MAX_CALLERS = 10_000;

    private final boolean enabled;
    private final double ratePerNano;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }
    }

    public RateLimiter(PxTokenConfig config) {
        this.enabled = config.rateLimit().enabled();
        this.ratePerNano = config.rateLimit().rate() / 1e9;
        this.burst = Math.max(1, config.rateLimit().burst());
    }

    /** @throws RateLimitedException with the seconds until the next request would pass */
    public void acquire(Caller caller) {
        if (!enabled || caller.kind() == Caller.Kind.NONE) {
            return;
        }
        long now = System.nanoTime();
        if (buckets.size() > MAX_CALLERS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().last > 60_000_000_000L);
        }
        Bucket b = buckets.computeIfAbsent(caller.id(), k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.last) * ratePerNano);
            b.last = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return;
            }
            long wait = (long) Math.ceil((1 - b.tokens) / ratePerNano / 1e9);
            throw new RateLimitedException(caller.id() + " sent more than " + (long) burst + " requests at once or more than "
                    + ratePerNano * 1e9 + " per second", Math.max(1, wait));
        }
    }
}
