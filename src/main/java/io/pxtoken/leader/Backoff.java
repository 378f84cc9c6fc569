package io.pxtoken.leader;

import java.time.Duration;

/**
 * Per-key exponential backoff: {@code first} after the first failure, twice as long after each next one, never more
 * than {@code max}.
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
        }
    }

    /** The wait after {@code failures} failures in a row (1 or more). */
    public Duration after(int failures) {
        long millis = first.toMillis() << Math.min(30, Math.max(0, failures - 1));
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
