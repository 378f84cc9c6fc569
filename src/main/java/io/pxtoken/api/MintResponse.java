package io.pxtoken.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.pxtoken.kube.WrittenSecret;
import io.pxtoken.token.IssuedToken;

/** What {@code POST /v1/tokens} answers in JSON. */
@Schema(name = "MintResponse", description = "A signed token and the claims in it.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MintResponse(
        @Schema(description = "The token (a JWT signed HS256, RS256 or ES256). Treat it as a password.") String token,
        @Schema(description = "The iss claim; equals Portworx's -jwt_issuer.", examples = "portworx.com") String issuer,
        @Schema(description = "The sub claim (derived when the request left it empty).") String subject,
        @Schema(description = "The roles claim.") List<String> roles,
        @Schema(description = "The groups claim; absent when the token has none.") List<String> groups,
        @Schema(description = "The iat claim, RFC 3339 (backdated by pxtoken.clock-skew).") Instant issuedAt,
        @Schema(description = "The exp claim, RFC 3339.") Instant expiresAt,
        @Schema(description = "Random token id; safe to log.") String jti,
        @Schema(description = "First 16 hex characters of SHA-256 of the key that signed the token: the shared secret, or "
                + "the public key (SubjectPublicKeyInfo, DER) of the RSA/ECDSA key.") String keyFingerprint,
        @Schema(description = "The JWS alg of the token.", examples = "HS256") String algorithm,
        @Schema(description = "Where the token was stored, when the request named a Secret.") SecretResponse secret) {

    /**
     * @param t the token
     * @param written the Secret it was stored in, or null
     * @param withToken false to leave the token itself out
     */
    static MintResponse of(IssuedToken t, WrittenSecret written, boolean withToken) {
        return new MintResponse(withToken ? t.token() : null, t.issuer(), t.claims().sub(), t.claims().roles(),
                t.claims().groups(), t.issuedAt(), t.expiresAt(), t.jti(), t.keyFingerprint(),
                t.algorithm(), written == null ? null : SecretResponse.of(written));
    }

    /** A stored token: where it is, and what to put in a StorageClass to use it. */
    @Schema(name = "SecretResponse")
    public record SecretResponse(
            @Schema(examples = "portworx") String namespace,
            @Schema(examples = "px-k8s-user") String name,
            @Schema(examples = "auth-token") String key,
            @Schema(description = "created or updated", examples = "created") String operation,
            @Schema(description = "The Secret's resourceVersion after the write") String resourceVersion,
            @Schema(description = "StorageClass parameters that point Portworx at this Secret, for the in-tree "
                    + "provisioner (openstorage.io/...) and for CSI (csi.storage.k8s.io/...)") Map<String, String> storageClassParameters) {

        static SecretResponse of(WrittenSecret w) {
            String ns = w.target().namespace();
            String name = w.target().name();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("openstorage.io/auth-secret-name", name);
            params.put("openstorage.io/auth-secret-namespace", ns);
            for (String csi : new String[] { "provisioner", "node-publish", "controller-expand" }) {
                params.put("csi.storage.k8s.io/" + csi + "-secret-name", name);
                params.put("csi.storage.k8s.io/" + csi + "-secret-namespace", ns);
            }
            return new SecretResponse(ns, name, w.target().key(), w.operation(), w.resourceVersion(), params);
        }
    }
}
