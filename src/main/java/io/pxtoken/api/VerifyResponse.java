package io.pxtoken.api;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.pxtoken.token.Verification;

/** What {@code POST /v1/tokens/verify} answers. */
@Schema(name = "VerifyResponse", description = "Whether Portworx would accept the token, checked against the current key and issuer.")
public record VerifyResponse(
        @Schema(description = "True when Portworx would accept the token now.") boolean valid,
        @Schema(description = "Null when valid; otherwise Portworx's own error text, e.g. \"Token is expired\", "
                + "\"Token used before issued\", \"signature is invalid\", \"<iss> is not a trusted issuer\", "
                + "\"Required claim email missing from token\".") String reason,
        @Schema(description = "The token's claims when its payload could be decoded.") Map<String, Object> claims,
        @Schema(description = "The exp claim, RFC 3339, when present.") Instant expiresAt,
        @Schema(description = "What was probably meant, when the pasted text shows a common mistake (a 'Bearer ' "
                + "prefix, a whole mint response); beside reason, never instead of it. Absent otherwise.")
        @JsonInclude(Include.NON_NULL) String hint) {

    /**
     * @param v the verdict
     * @param token the text that was checked, as sent
     */
    static VerifyResponse of(Verification v, String token) {
        return new VerifyResponse(v.valid(), v.reason(), v.claims(), v.expiresAt(), v.valid() ? null : Hints.forToken(token));
    }
}
