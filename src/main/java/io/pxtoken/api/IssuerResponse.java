package io.pxtoken.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What {@code GET /v1/issuer} answers. Never the secret. */
@Schema(name = "IssuerResponse")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IssuerResponse(
        @Schema(description = "The iss claim of every token; must equal Portworx's -jwt_issuer.") String issuer,
        @Schema(description = "Signing algorithm.", examples = "HS256") String algorithm,
        @Schema(description = "Fingerprint of the shared secret in use; absent when none is loaded.") String keyFingerprint,
        @Schema(description = "When that key was loaded.") Instant keyLoadedAt,
        @Schema(description = "What is wrong with the secret file now, if anything.") String keyProblem,
        @Schema(description = "Lifetime when a request gives none.", examples = "1d") String defaultDuration,
        @Schema(description = "Longest lifetime a request may ask for.", examples = "1y") String maxDuration,
        @Schema(description = "Roles a token may carry.") List<String> allowedRoles) {
}
