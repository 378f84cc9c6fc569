package io.pxtoken.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key: {@code burst} requests at once, refilled at {@code rate} per second, timed by the injected
 * clock. Hand-written: a dozen lines, where a library would add a dependency for one map of counters.
 */
public final class TokenBuckets {

    private static final int MAX_KEYS = 10_000;
    private static final long IDLE_NANOS = 60_000_000_000L;

    private final String what;
    private final double ratePerNano;
    private final double burst;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }
    }

    /**
     * @param what what is limited, for the 429's detail ("requests from this address that need a TokenReview")
     */
    public TokenBuckets(String what, double ratePerSecond, int burst, Clock clock) {
        this.what = what;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.clock = clock;
    }

    /** @throws RateLimitedException with the whole seconds until the next request would pass */
    public void acquire(String key) {
        long now = nanos();
        if (buckets.size() > MAX_KEYS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().last > IDLE_NANOS);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.last) * ratePerNano);
            b.last = Math.max(b.last, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return;
            }
            long wait = (long) Math.ceil((1 - b.tokens) / ratePerNano / 1e9);
            throw new RateLimitedException("More than " + (long) burst + " " + what + " at once, or more than "
                    + ratePerNano * 1e9 + " per second", Math.max(1, wait));
        }
    }

    private long nanos() {
        var i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
