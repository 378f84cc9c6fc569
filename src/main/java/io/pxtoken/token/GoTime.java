package io.pxtoken.token;

/**
 * golang-jwt v4's time checks ({@code MapClaims.VerifyExpiresAt}, {@code VerifyIssuedAt}, {@code VerifyNotBefore})
 * as Go computes them, overflow included.
 * <p>
 * A claim is a float64. {@code newNumericDateFromSeconds} splits it with {@code math.Modf}, converts the whole part
 * with {@code int64(...)}, builds {@code time.Unix(sec, nsec)} and truncates to the second; {@code time.Time} keeps
 * seconds since year 1, i.e. {@code sec + 62135596800} in wrapping int64 arithmetic. The check then compares those
 * seconds with {@code now}'s. So {@code exp} 0.5 s after now is already expired, and huge values wrap: {@code exp} of
 * {@code 1e300} or {@code 2^63-1} is expired, never valid. Go leaves {@code int64(f)} for out-of-range {@code f} to
 * the platform; this follows amd64 (the result is the minimum int64), where Portworx runs.
 */
final class GoTime {

    /** Seconds from year 1 to 1970 ({@code time.unixToInternal}). */
    private static final long UNIX_TO_INTERNAL = 62135596800L;
    private static final long NANOS = 1_000_000_000L;

    private GoTime() {
    }

    /** {@code VerifyExpiresAt(now, false)} for a claim that is present: valid while {@code now} is before it. */
    static boolean expiresAtOk(Object claim, long now) {
        if (!(claim instanceof java.lang.Number n)) {
            return false;
        }
        double exp = n.doubleValue();
        return exp == 0 || internal(now) < seconds(exp);
    }

    /** {@code VerifyIssuedAt} and {@code VerifyNotBefore}: valid once {@code now} is at or after the claim. */
    static boolean notAfterNow(Object claim, long now) {
        if (!(claim instanceof java.lang.Number n)) {
            return false;
        }
        double at = n.doubleValue();
        return at == 0 || internal(now) >= seconds(at);
    }

    /** {@code newNumericDateFromSeconds(f).Time}, truncated to the second, as Go's internal seconds. */
    static long seconds(double f) {
        double whole = f < 0 ? Math.ceil(f) : Math.floor(f);
        long sec = goInt64(whole);
        long nsec = goInt64((f - whole) * 1e9);
        // time.Unix normalises nsec into [0, 1e9); truncation then drops it
        if (nsec < 0 || nsec >= NANOS) {
            long carry = nsec / NANOS;
            sec += carry;
            nsec -= carry * NANOS;
            if (nsec < 0) {
                sec--;
            }
        }
        return sec + UNIX_TO_INTERNAL;
    }

    private static long internal(long unixSeconds) {
        return unixSeconds + UNIX_TO_INTERNAL;
    }

    /** {@code int64(f)} on amd64 (CVTTSD2SQ): truncation, and the minimum int64 for anything out of range. */
    static long goInt64(double f) {
        if (Double.isNaN(f) || f >= 0x1p63 || f < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) f;
    }
}
