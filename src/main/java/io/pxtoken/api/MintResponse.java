package io.pxtoken.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.pxtoken.token.IssuedToken;

/** What {@code POST /v1/tokens} answers in JSON. */
@Schema(name = "MintResponse", description = "A signed token and the claims in it.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MintResponse(
        @Schema(description = "The token (HS256 JWT). Treat it as a password.") String token,
        @Schema(description = "The iss claim; equals Portworx's -jwt_issuer.", examples = "portworx.com") String issuer,
        @Schema(description = "The sub claim (derived when the request left it empty).") String subject,
        @Schema(description = "The roles claim.") List<String> roles,
        @Schema(description = "The groups claim; absent when the token has none.") List<String> groups,
        @Schema(description = "The iat claim, RFC 3339 (backdated by pxtoken.clock-skew).") Instant issuedAt,
        @Schema(description = "The exp claim, RFC 3339.") Instant expiresAt,
        @Schema(description = "Random token id; safe to log.") String jti,
        @Schema(description = "First 16 hex characters of SHA-256 of the shared secret that signed the token.") String keyFingerprint) {

    static MintResponse of(IssuedToken t) {
        return new MintResponse(t.token(), t.issuer(), t.claims().sub(), t.claims().roles(), t.claims().groups(),
                t.issuedAt(), t.expiresAt(), t.jti(), t.keyFingerprint());
    }
}
