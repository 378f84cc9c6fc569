package io.pxtoken.token;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a token request must pass before anything is signed. All violations are collected, so a caller
 * fixes its request in one round trip.
 */
public final class ClaimsPolicy {

    public static final int MAX_STRING = 256;
    public static final int MAX_SUB = 512;
    public static final int MAX_LIST = 32;

    /** The start of a compact JWS: a token pasted into a claim would be copied into logs and into the new token. */
    static final Pattern LOOKS_LIKE_TOKEN = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.");

    /**
     * Something before and after one {@code @}, no spaces: enough to catch a name typed into the email field. The
     * rule as a pattern; {@link #plausibleEmail} checks the same without a regex on every mint (ClaimsPolicyTest
     * holds the two against each other).
     */
    static final Pattern PLAUSIBLE_EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private final List<String> allowedRoles;

    public ClaimsPolicy(List<String> allowedRoles) {
        this.allowedRoles = List.copyOf(allowedRoles);
    }

    public List<String> allowedRoles() {
        return allowedRoles;
    }

    /** @throws InvalidClaimsException listing every violation */
    public void check(UserClaims claims) {
        List<Violation> v = new ArrayList<>();
        if (claims.name() == null || claims.name().isBlank()) {
            v.add(new Violation("name", "is required and may not be blank"));
        } else {
            checkValue(v, "name", claims.name(), MAX_STRING);
        }
        String email = claims.email();
        if (email != null && !email.isEmpty() && checkValue(v, "email", email, MAX_STRING)
                && !plausibleEmail(email)) {
            v.add(new Violation("email", "is not an email address (leave it empty if there is none)"));
        }
        if (claims.sub() != null) {
            checkValue(v, "sub", claims.sub(), MAX_SUB);
        }
        if (claims.roles() == null || claims.roles().isEmpty()) {
            v.add(new Violation("roles", "at least one role is required; allowed: " + String.join(", ", allowedRoles)));
        } else {
            checkEntries(v, "roles", claims.roles());
            for (int i = 0; i < claims.roles().size(); i++) {
                String role = claims.roles().get(i);
                if (role != null && !role.isBlank() && !allowedRoles.contains(role)) {
                    v.add(new Violation("roles[" + i + "]",
                            "unknown role " + Quoted.value(role) + "; allowed: " + String.join(", ", allowedRoles)));
                }
            }
        }
        if (claims.groups() != null) {
            checkEntries(v, "groups", claims.groups());
        }
        if (!v.isEmpty()) {
            throw new InvalidClaimsException(v);
        }
    }

    private static void checkEntries(List<Violation> v, String field, List<String> entries) {
        if (entries.size() > MAX_LIST) {
            v.add(new Violation(field, "has " + entries.size() + " entries; at most " + MAX_LIST + " are allowed"));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            String at = field + "[" + i + "]";
            if (entry == null || entry.isBlank()) {
                v.add(new Violation(at, "may not be blank"));
            } else if (checkValue(v, at, entry, MAX_STRING) && !seen.add(entry)) {
                v.add(new Violation(at, Quoted.value(entry) + " is listed twice"));
            }
        }
    }

    private static boolean checkValue(List<Violation> v, String field, String value, int max) {
        if (value.length() > max) {
            v.add(new Violation(field, "is " + value.length() + " characters long; at most " + max + " are allowed"));
            return false;
        }
        if (looksLikeToken(value)) {
            v.add(new Violation(field, "looks like a token; tokens do not belong in claims"));
            return false;
        }
        if (hasLoneSurrogate(value)) {
            v.add(new Violation(field, "contains a lone surrogate (an escape such as \\ud800 without its pair), which "
                    + "UTF-8 cannot carry; pxctl refuses it too"));
            return false;
        }
        return true;
    }

    /** {@link #PLAUSIBLE_EMAIL} without the regex: exactly one {@code @}, not first or last, no {@code \s} character. */
    static boolean plausibleEmail(String email) {
        int at = email.indexOf('@');
        if (at <= 0 || at == email.length() - 1 || email.indexOf('@', at + 1) >= 0) {
            return false;
        }
        for (int i = 0; i < email.length(); i++) {
            switch (email.charAt(i)) {
                case ' ', '\t', '\n', '\013', '\f', '\r' -> {
                    return false; // java.util.regex's \s: [ \t\n\x0B\f\r]
                }
                default -> {
                }
            }
        }
        return true;
    }

    /** {@link #LOOKS_LIKE_TOKEN}, searched only when the value holds its literal start {@code eyJ} (most never do). */
    static boolean looksLikeToken(String value) {
        return value.contains("eyJ") && LOOKS_LIKE_TOKEN.matcher(value).find();
    }

    /** A UTF-16 surrogate without its partner: JSON's \\u escapes can write one, a token's UTF-8 cannot hold it. */
    private static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
