package io.pxtoken.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

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
    private final LongSupplier nanos;
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
        this(what, ratePerSecond, burst, () -> {
            var i = clock.instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        });
    }

    /** @param nanos the time source in nanoseconds: the injected clock for callers, a monotonic one for pacing */
    public TokenBuckets(String what, double ratePerSecond, int burst, LongSupplier nanos) {
        this.what = what;
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.nanos = nanos;
    }

    /** @throws RateLimitedException with the whole seconds until the next request would pass */
    public void acquire(String key) {
        double deficit = take(key);
        if (deficit > 0) {
            long wait = (long) Math.ceil(deficit / 1e9);
            throw new RateLimitedException("More than " + (long) burst + " " + what + " at once, or more than "
                    + ratePerNano * 1e9 + " per second", Math.max(1, wait));
        }
    }

    /** Waits until a request may pass, then takes it: for work that is paced rather than refused. */
    public void await(String key) throws InterruptedException {
        for (double deficit = take(key); deficit > 0; deficit = take(key)) {
            TimeUnit.NANOSECONDS.sleep((long) Math.ceil(deficit));
        }
    }

    /**
     * Takes one request from the key's bucket if it has one, for a caller that orders its own waiters.
     *
     * @return 0 when taken, else the nanoseconds until one would be there (nothing taken)
     */
    public long tryTake(String key) {
        double deficit = take(key);
        return deficit > 0 ? Math.max(1, (long) Math.ceil(deficit)) : 0;
    }

    /** Takes one request from the key's bucket: 0 when it passes, else the nanoseconds until it would. */
    private double take(String key) {
        long now = nanos.getAsLong();
        if (buckets.size() > MAX_KEYS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().last > IDLE_NANOS);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.last) * ratePerNano);
            b.last = Math.max(b.last, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return (1 - b.tokens) / ratePerNano;
        }
    }
}
