package io.pxtoken.renewal;

import java.time.Instant;
import java.util.List;

import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.Quoted;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.Violation;

/**
 * How a stored token is kept fresh, as a mint request asked it.
 *
 * @param renew false when the request opted out ({@code secret.renew: false})
 * @param renewBefore how long before {@code exp} to renew, or null for 2/3 of the lifetime
 */
public record RenewalSpec(boolean renew, TokenDuration renewBefore) {

    public static final RenewalSpec DEFAULT = new RenewalSpec(true, null);

    /**
     * Refuses a {@code renewBefore} that is not shorter than the token's lifetime (it would renew at once, forever).
     *
     * @param field the request's name for {@code renewBefore}, for the problem's violation
     */
    public void check(String field, TokenDuration lifetime) {
        if (renewBefore != null && renewBefore.seconds() >= lifetime.seconds()) {
            throw new InvalidClaimsException(List.of(new Violation(field, Quoted.value(renewBefore.text())
                    + " is not shorter than the duration " + Quoted.value(lifetime.text()))));
        }
    }

    /** The renewal annotations of a token just minted with {@code lifetime}: renewed at its planned time, unless opted out. */
    public ManagedSecrets.Renewal annotationsFor(IssuedToken token, TokenDuration lifetime) {
        Instant mintedAt = token.expiresAt().minusSeconds(lifetime.seconds());
        return new ManagedSecrets.Renewal(lifetime.text(),
                renewalTime(mintedAt, token.expiresAt(), java.util.concurrent.ThreadLocalRandom.current().nextDouble()),
                renewBefore == null ? null : renewBefore.text(), null);
    }

    /** The moment to renew a token minted at {@code mintedAt} that expires at {@code expiresAt}; null when not renewed. */
    public Instant renewalTime(Instant mintedAt, Instant expiresAt, double jitter) {
        if (!renew) {
            return null;
        }
        return RenewalPlan.renewalTime(mintedAt, expiresAt,
                renewBefore == null ? null : java.time.Duration.ofSeconds(renewBefore.seconds()), jitter);
    }
}
