package io.pxtoken.kube;

import java.time.Instant;
import java.util.List;

/**
 * A token Secret this service manages, as its metadata describes it (the token is not read).
 *
 * @param namespace the namespace
 * @param name the Secret name
 * @param key the data key holding the token
 * @param subject the token's sub
 * @param roles the token's roles
 * @param groups the token's groups, or null when it has none
 * @param issuer the token's iss
 * @param issuedAt the token's iat
 * @param expiresAt the token's exp
 * @param jti the token's id
 * @param keyFingerprint fingerprint of the key that signed it
 * @param renewalTime when it will be renewed, or null when it is not
 * @param renewalError why the renewals before the current token failed, or null
 * @param proven whether the Secret carries a valid proof that this service wrote it (only such a Secret is renewed)
 */
public record ManagedSecret(String namespace, String name, String key, String subject, List<String> roles,
        List<String> groups, String issuer, Instant issuedAt, Instant expiresAt, String jti, String keyFingerprint,
        Instant renewalTime, String renewalError, boolean proven) {
}
