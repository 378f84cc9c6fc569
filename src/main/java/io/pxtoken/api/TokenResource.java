package io.pxtoken.api;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.pxtoken.auth.Caller;
import io.pxtoken.ops.MintOperation;
import io.pxtoken.ops.VerifyOperation;
import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.Violation;
import io.quarkus.security.identity.SecurityIdentity;

@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "A Kubernetes token (`kubectl create token <serviceaccount>`) whose RBAC grants `mint` on "
                + "roles/groups/subjects.pxtoken.io, and its own rights on secrets for Secret operations. Portworx tokens "
                + "of this issuer only when pxtoken.auth.portworx.enabled=true (mint and verify only). Not needed in "
                + "`./mvnw quarkus:dev`, where authentication is off.")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No acceptable bearer token; WWW-Authenticate says Bearer",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "429", description = "Too many requests from this caller; Retry-After says when to retry",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@Path("/v1/tokens")
@Tag(name = "tokens", description = "Mint and check Portworx tokens")
public class TokenResource {

    private final MintOperation minting;
    private final VerifyOperation verifying;
    private final SecurityIdentity identity;

    public TokenResource(MintOperation minting, VerifyOperation verifying, SecurityIdentity identity) {
        this.minting = minting;
        this.verifying = verifying;
        this.identity = identity;
    }

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML })
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mint a token", description = "Signs a token with the shared secret, as "
            + "`pxctl auth token generate` does. The body is JSON or an unmodified pxctl auth-config YAML file "
            + "(unknown YAML keys are ignored, as pxctl ignores them; unknown JSON fields are refused). "
            + "Send `Accept: text/plain` to get the bare token and a newline. With `secret`, the token is also stored "
            + "in that Kubernetes Secret (created, or updated when this service manages it), ready for a StorageClass; "
            + "if the write fails, no token is returned.")
    @RequestBody(required = true, description = "Who the token is for: a pxctl auth-config file as YAML, or the same "
            + "fields as JSON. Each content type offers the examples admin and kube.", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MintRequest.class)),
            @Content(mediaType = MediaTypes.YAML, schema = @Schema(implementation = MintRequest.class)),
            @Content(mediaType = MediaTypes.X_YAML, schema = @Schema(implementation = MintRequest.class)),
            @Content(mediaType = MediaTypes.TEXT_YAML, schema = @Schema(implementation = MintRequest.class)) })
    @APIResponse(responseCode = "200", description = "The signed token",
            content = { @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MintResponse.class)),
                    @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                            description = "The bare token followed by a newline")) })
    @APIResponse(responseCode = "400", description = "A field is missing, malformed or not allowed (an `algorithm` whose key "
            + "file is not in the keys directory included); `errors` names each field and why",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The Secret may not be written: namespace not in pxtoken.secrets.namespaces, Secret writing off, or the pxkeys Secret",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The Secret exists and is not managed by this service, or belongs to a PxToken or ClusterPxToken; it was left unchanged",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "Kubernetes refused (RBAC) or failed the Secret write",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "504", description = "Kubernetes did not answer within pxtoken.kubernetes.timeout",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is larger than 64 KiB",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is neither JSON nor YAML",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The key of the algorithm asked for is configured but not usable (the "
            + "detail names the file and the problem), or a Secret was asked for and Kubernetes is not configured, unreachable or kept conflicting",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    public MintResponse mint(MintRequest request,
            @Parameter(description = "Lifetime in pxctl syntax (e.g. 30d, 1y); or give duration in the body, not both. "
                    + "Default pxtoken.default-duration (1d)", example = "1y") @QueryParam("duration") String duration,
            @Parameter(description = "HS256, RS256 or ES256; or give algorithm in the body, not both. "
                    + "Default pxtoken.signing.algorithm (HS256)", example = "HS256") @QueryParam("algorithm") String algorithm,
            @Context UriInfo uri) {
        MintRequest body = RequestBodies.required(request);
        // an empty ?duration= is refused as pxctl refuses it, not read as absent
        MintOperation.Minted minted = minting.mint(Caller.of(identity), body.claims(),
                body.lifetime(RequestBodies.query(uri, "duration")), body.algorithm(RequestBodies.query(uri, "algorithm")),
                body.secretTarget(), body.renewal());
        return MintResponse.of(minted.token(), minted.secret(), body.wantsToken());
    }

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML })
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(hidden = true)
    public String mintText(MintRequest request, @QueryParam("duration") String duration,
            @QueryParam("algorithm") String algorithm, @Context UriInfo uri) {
        if (request != null && !request.wantsToken()) {
            throw new InvalidClaimsException(List.of(new Violation("returnToken",
                    "is false, which leaves nothing to answer as text/plain; ask for application/json")));
        }
        return mint(request, duration, algorithm, uri).token() + "\n";
    }

    @POST
    @Path("/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check a token as Portworx would", description = "Checks issuer, algorithm (HS*, RS*, ES* "
            + "with the shared secret, RSA or ECDSA key, chosen by the alg prefix as Portworx chooses), "
            + "time with zero leeway, signature, required claims and username against the current key and issuer. "
            + "Answers 200 whether or not the token is valid; `reason` carries Portworx's own error text, and `hint` "
            + "what was probably meant when the pasted text shows a common mistake. "
            + "The body may be the bare token as text/plain.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerifyRequest.class)),
            @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)) })
    @APIResponse(responseCode = "200", description = "The verdict, valid or not",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerifyResponse.class)))
    @APIResponse(responseCode = "400", description = "No token in the body",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The body is larger than 64 KiB",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "The body is neither text/plain nor JSON",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No usable shared secret is loaded",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    public VerifyResponse verify(VerifyRequest request) {
        return check(RequestBodies.required(request).token());
    }

    @POST
    @Path("/verify")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public VerifyResponse verifyText(String token) {
        return check(token);
    }

    private VerifyResponse check(String token) {
        String pasted = RequestBodies.token(token);
        return VerifyResponse.of(verifying.verify(Caller.of(identity), pasted), pasted);
    }
}
