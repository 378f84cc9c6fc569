package io.pxtoken.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What {@code GET /v1/issuer} answers. Never the secret. */
@Schema(name = "IssuerResponse")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IssuerResponse(
        @Schema(description = "The iss claim of every token; must equal Portworx's -jwt_issuer.") String issuer,
        @Schema(description = "What a mint signs with when it names no algorithm (pxtoken.signing.algorithm).",
                examples = "HS256") String algorithm,
        @Schema(description = "Fingerprint of the shared secret in use; absent when none is loaded.") String keyFingerprint,
        @Schema(description = "When that key was loaded.") Instant keyLoadedAt,
        @Schema(description = "What is wrong with the secret file now, if anything.") String keyProblem,
        @Schema(description = "Lifetime when a request gives none.", examples = "1d") String defaultDuration,
        @Schema(description = "Longest lifetime a request may ask for.", examples = "1y") String maxDuration,
        @Schema(description = "Roles a token may carry.") List<String> allowedRoles,
        @Schema(description = "Every signing key: the shared secret and, when present, the RSA and ECDSA keys.") List<SigningKey> keys,
        @Schema(description = "The RSA and ECDSA public keys as a JWK set (RFC 7517), kid = fingerprint.") Map<String, Object> jwks) {

    /** One signing key. Never the secret or a private key. */
    @Schema(name = "SigningKey")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SigningKey(
            @Schema(description = "HS256, RS256 or ES256.", examples = "RS256") String algorithm,
            @Schema(description = "The file in the keys directory.", examples = "rsa-private-key") String file,
            @Schema(description = "First 16 hex characters of SHA-256 of the shared secret, or of the public key "
                    + "(SubjectPublicKeyInfo, DER).") String fingerprint,
            @Schema(description = "When the key in use was loaded.") Instant loadedAt,
            @Schema(description = "What is wrong with the file now, if anything; with a fingerprint, the last good key "
                    + "still signs.") String problem,
            @Schema(description = "The public key as Portworx loads it (PORTWORX_AUTH_JWT_RSA_PUBKEY / "
                    + "PORTWORX_AUTH_JWT_ECDS_PUBKEY): SubjectPublicKeyInfo PEM.") String publicKeyPem) {
    }
}
