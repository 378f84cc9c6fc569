package io.pxtoken.token;

import java.time.Instant;

/**
 * A signed token and what was put in it.
 *
 * @param token the compact JWS; never log it
 * @param issuer the {@code iss} claim
 * @param claims the user claims as written, with {@code sub} derived when it was empty
 * @param issuedAt the {@code iat} claim (backdated by the configured clock skew)
 * @param expiresAt the {@code exp} claim
 * @param jti the random token id, safe to log
 * @param keyFingerprint fingerprint of the key that signed it (shared secret, or the public key of RSA/ECDSA)
 * @param algorithm the JWS {@code alg}: HS256, RS256 or ES256
 */
public record IssuedToken(String token, String issuer, UserClaims claims, Instant issuedAt, Instant expiresAt,
        String jti, String keyFingerprint, String algorithm) {

    /** An HS256 token. */
    public IssuedToken(String token, String issuer, UserClaims claims, Instant issuedAt, Instant expiresAt, String jti,
            String keyFingerprint) {
        this(token, issuer, claims, issuedAt, expiresAt, jti, keyFingerprint, "HS256");
    }

    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", sub=" + claims.sub() + ", alg=" + algorithm + ", key=" + keyFingerprint + "]";
    }
}
