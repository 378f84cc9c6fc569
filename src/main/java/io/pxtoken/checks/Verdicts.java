package io.pxtoken.checks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.pxtoken.kube.SecretLookup;
import io.pxtoken.token.Verification;

/**
 * Turns what was found in a Secret, and what Portworx's verifier ({@link io.pxtoken.token.TokenVerifier}) says of its
 * token, into a verdict. Pure: no I/O, the time is a parameter.
 */
public final class Verdicts {

    /** Verifier results reached only after the signature was checked: their {@code exp} is the signer's. */
    private static final Set<String> SIGNATURE_CHECKED = Set.of("valid", "expired", "used-before-issued", "not-yet-valid",
            "missing-claim", "empty-username");

    private Verdicts() {
    }

    /**
     * @param ref the Secret and key
     * @param referrers what refers to it
     * @param permitted whether the service may read Secrets in that namespace
     * @param found what was read (ignored when not permitted)
     * @param verify Portworx's verifier with the current shared secret and issuer
     * @param now the time the token is judged at
     * @param expiryWarning a valid token expiring sooner is {@code expiring}
     * @param notPermittedReason the reason given when not permitted
     */
    public static CheckedSecret judge(SecretRef ref, List<Referrer> referrers, boolean permitted, SecretLookup found,
            Function<String, Verification> verify, Instant now, Duration expiryWarning, String notPermittedReason) {
        if (!permitted) {
            return new CheckedSecret(ref, Verdict.NOT_PERMITTED, notPermittedReason, null, false, false, false, null, referrers);
        }
        switch (found.state()) {
            case FORBIDDEN -> {
                return new CheckedSecret(ref, Verdict.NOT_PERMITTED, found.refusal(), null, false, false, false, null, referrers);
            }
            case MISSING -> {
                return new CheckedSecret(ref, Verdict.MISSING_SECRET, "Secret " + ref.namespace() + "/" + ref.name()
                        + " does not exist", null, false, false, false, null, referrers);
            }
            case FOUND -> {
            }
        }
        if (!found.hasKey()) {
            return new CheckedSecret(ref, Verdict.MISSING_KEY, "Secret " + ref.namespace() + "/" + ref.name() + " has no key "
                    + ref.key() + ", where Portworx reads the token", null, false, found.managed(), found.proven(), found.renewalTime(), referrers);
        }
        Verification v = verify.apply(found.value());
        boolean verified = SIGNATURE_CHECKED.contains(v.result());
        Verdict verdict = switch (v.result()) {
            case "valid" -> v.expiresAt() != null && v.expiresAt().isBefore(now.plus(expiryWarning)) ? Verdict.EXPIRING : Verdict.OK;
            case "expired" -> Verdict.EXPIRED;
            case "used-before-issued", "not-yet-valid" -> Verdict.NOT_YET_VALID;
            case "signature-invalid", "unknown-algorithm" -> Verdict.BAD_SIGNATURE;
            case "untrusted-issuer" -> Verdict.OTHER_ISSUER;
            case "malformed" -> Verdict.NOT_A_TOKEN;
            default -> Verdict.REJECTED;
        };
        // a token whose signature was not checked is anyone's text: its claims are never quoted, its exp never shown
        String reason = verdict == Verdict.EXPIRING
                ? "Token expires in " + readable(Duration.between(now, v.expiresAt())) + ", within pxtoken.checks.expiry-warning ("
                        + readable(expiryWarning) + ")"
                : verified ? v.reason() : unverified(verdict);
        return new CheckedSecret(ref, verdict, reason, verified ? v.expiresAt() : null, verified && v.expiresAt() != null,
                found.managed(), found.proven(), found.renewalTime(), referrers);
    }

    /** The failure class of a token whose signature was not checked, in words that quote nothing of it. */
    static String unverified(Verdict verdict) {
        return switch (verdict) {
            case BAD_SIGNATURE -> "bad-signature: it does not verify with the shared secret in use (signed with another key, "
                    + "or not with a shared secret)";
            case OTHER_ISSUER -> "other-issuer: its iss is not this service's issuer; Portworx accepts it only if it trusts that issuer";
            case NOT_A_TOKEN -> "not-a-token: the value is not a JWT Portworx can read";
            default -> verdict.label() + ": Portworx rejects it before checking its signature";
        };
    }

    /** {@code 2d 3h}, {@code 5h 10m}, {@code 42s}. */
    static String readable(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        long minutes = s % 3600 / 60;
        if (days > 0) {
            return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        }
        if (hours > 0) {
            return hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
        }
        return minutes > 0 ? minutes + "m" : s + "s";
    }
}
