package io.pxtoken.checks;

import java.time.Instant;
import java.util.List;

/**
 * The check's answer for one Secret. Never the token: only what Portworx will make of it.
 *
 * @param secret the Secret and key
 * @param verdict what Portworx will make of the token
 * @param reason why, in Portworx's own words where its verifier gives any; null when {@code ok}
 * @param expiresAt the token's {@code exp}, when it has one
 * @param expiryVerified whether the signature was checked before {@code expiresAt} was read (false for another
 *        issuer's token or a bad signature: then the claim is reported as it stands)
 * @param managed whether this service manages the Secret
 * @param proven whether it carries a valid proof that this service wrote it (a managed Secret without one is never renewed)
 * @param renewalTime when this service will renew the token; null when it will not
 * @param referrers what makes Portworx read it
 */
public record CheckedSecret(SecretRef secret, Verdict verdict, String reason, Instant expiresAt, boolean expiryVerified,
        boolean managed, boolean proven, Instant renewalTime, List<Referrer> referrers) {
}
