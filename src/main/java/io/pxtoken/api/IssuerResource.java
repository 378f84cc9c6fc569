package io.pxtoken.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.pxtoken.auth.Caller;
import io.pxtoken.keys.KeyStatus;
import io.pxtoken.ops.IssuerOperation;
import io.quarkus.security.identity.SecurityIdentity;

@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No acceptable bearer token; WWW-Authenticate says Bearer",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "429", description = "Too many requests from this caller; Retry-After says when to retry",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@Path("/v1/issuer")
@Tag(name = "issuer", description = "What this service signs with")
public class IssuerResource {

    private final IssuerOperation issuer;
    private final SecurityIdentity identity;

    public IssuerResource(IssuerOperation issuer, SecurityIdentity identity) {
        this.issuer = issuer;
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issuer, algorithm, key fingerprint and duration limits",
            description = "Compare keyFingerprint with `printf %s \"$SECRET\" | sha256sum | cut -c1-16` to check that "
                    + "this service and Portworx share a secret. The secret itself is never shown.")
    @APIResponse(responseCode = "200", description = "What tokens are signed with; keyProblem says what is wrong with "
            + "the secret file, if anything",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IssuerResponse.class)))
    public IssuerResponse get() {
        IssuerOperation.IssuerInfo i = issuer.describe(Caller.of(identity));
        KeyStatus key = i.key();
        List<IssuerResponse.SigningKey> keys = new ArrayList<>();
        List<Map<String, Object>> jwks = new ArrayList<>();
        for (IssuerOperation.SigningKeyInfo k : i.keys()) {
            keys.add(new IssuerResponse.SigningKey(k.algorithm().name(), k.algorithm().fileName(), k.key().fingerprint(),
                    k.key().loadedAt(), k.key().problem(), k.publicKey() == null ? null : k.publicKey().publicKeyPem()));
            if (k.publicKey() != null) {
                jwks.add(k.publicKey().jwk());
            }
        }
        return new IssuerResponse(i.issuer(), i.algorithm(), key.fingerprint(), key.loadedAt(), key.problem(),
                i.defaultDuration(), i.maxDuration(), i.allowedRoles(), keys, Map.of("keys", jwks));
    }
}
