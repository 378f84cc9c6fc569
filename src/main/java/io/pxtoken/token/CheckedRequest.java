package io.pxtoken.token;

/**
 * Claims and a lifetime that passed {@link TokenIssuer#check}: the only thing {@link TokenIssuer#issue(CheckedRequest)}
 * signs. Made only by the issuer, so nothing unchecked can be signed.
 */
public final class CheckedRequest {

    private final UserClaims claims;
    private final TokenDuration lifetime;

    CheckedRequest(UserClaims claims, TokenDuration lifetime) {
        this.claims = claims;
        this.lifetime = lifetime;
    }

    /** The claims, {@code sub} derived. */
    public UserClaims claims() {
        return claims;
    }

    public TokenDuration lifetime() {
        return lifetime;
    }
}
