package io.pxtoken.token;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token lifetime in the syntax of {@code pxctl auth token generate --token-duration}: a whole number and one
 * unit, {@code s m h d y} (a year is 365 days). Values that Portworx's Go parser would wrap into a negative
 * duration, and zero, are refused rather than turned into an already expired token.
 *
 * @param seconds the lifetime in seconds, at least 1
 * @param text the value as written, e.g. {@code 1y}
 */
public record TokenDuration(long seconds, String text) {

    private static final Pattern SYNTAX = Pattern.compile("([0-9]+)([smhdy])");

    /** Go's {@code time.Duration} counts int64 nanoseconds: anything above this many seconds wraps. */
    static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    /**
     * @throws InvalidDurationException naming {@code field} when the text is not a valid, representable, positive duration
     */
    public static TokenDuration parse(String field, String text) {
        if (text == null) {
            throw new InvalidDurationException(field, "is required");
        }
        if (text.isEmpty()) {
            // pxctl's ParseToDuration refuses "" too; leaving the field out is how to ask for the default
            throw new InvalidDurationException(field,
                    "is empty: use a whole number and one unit of s, m, h, d, y (e.g. 30d, 1y), or leave it out for the default");
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new InvalidDurationException(field,
                    Quoted.value(text) + " is not a duration: use a whole number and one unit of s, m, h, d, y (e.g. 30d, 1y)");
        }
        BigInteger seconds = new BigInteger(m.group(1)).multiply(BigInteger.valueOf(unitSeconds(m.group(2))));
        if (seconds.signum() == 0) {
            throw new InvalidDurationException(field, Quoted.value(text) + " would issue a token that is already expired");
        }
        if (seconds.compareTo(BigInteger.valueOf(MAX_SECONDS)) > 0) {
            throw new InvalidDurationException(field,
                    Quoted.value(text) + " is longer than Portworx can represent (at most 292y or 106751d)");
        }
        return new TokenDuration(seconds.longValueExact(), text);
    }

    private static long unitSeconds(String unit) {
        return switch (unit) {
            case "s" -> 1;
            case "m" -> 60;
            case "h" -> 3_600;
            case "d" -> 86_400;
            case "y" -> 365 * 86_400L;
            default -> throw new IllegalStateException(unit);
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
