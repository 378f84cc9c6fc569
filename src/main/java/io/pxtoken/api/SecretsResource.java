package io.pxtoken.api;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.pxtoken.auth.Caller;
import io.pxtoken.kube.ManagedSecret;
import io.pxtoken.ops.DeleteSecretOperation;
import io.pxtoken.ops.IssuerOperation;
import io.pxtoken.ops.ListSecretsOperation;
import io.quarkus.security.identity.SecurityIdentity;

@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No acceptable bearer token; WWW-Authenticate says Bearer",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "429", description = "Too many requests from this caller; Retry-After says when to retry",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@Path("/v1/secrets")
@Tag(name = "secrets", description = "Token Secrets this service manages")
@Produces(MediaType.APPLICATION_JSON)
public class SecretsResource {

    private final ListSecretsOperation listing;
    private final DeleteSecretOperation deleting;
    private final IssuerOperation issuer;
    private final SecurityIdentity identity;

    public SecretsResource(ListSecretsOperation listing, DeleteSecretOperation deleting, IssuerOperation issuer,
            SecurityIdentity identity) {
        this.listing = listing;
        this.deleting = deleting;
        this.issuer = issuer;
        this.identity = identity;
    }

    /** One managed token Secret, from its metadata; the token is never read back. */
    @Schema(name = "ManagedSecret")
    public record SecretInfo(String namespace, String name, String key, String subject, List<String> roles,
            List<String> groups, String issuer, Instant issuedAt, Instant expiresAt, String jti, String keyFingerprint,
            @Schema(description = "True when the token was signed with the shared secret in use now; false means Portworx "
                    + "rejects it after a rotation") boolean currentKey,
            @Schema(description = "When the token will be renewed; null when it is not renewed (renew: false)") Instant renewalTime,
            @Schema(description = "True when the stored token is valid now under the current key and issuer") boolean ready,
            @Schema(description = "Why the renewals before the current token failed, as the renewal that followed them "
                    + "recorded; a failing renewal itself shows in Events and metrics, not here") String lastRenewalError,
            @Schema(description = "False when the Secret carries no valid proof that this service wrote it (planted, edited, "
                    + "or written before proofs existed): it is never renewed; mint it again") boolean proven) {

        static SecretInfo of(ManagedSecret m, IssuerOperation.IssuerInfo issuer, java.time.Instant now) {
            String current = issuer.key().fingerprint();
            boolean currentKey = current != null && current.equals(m.keyFingerprint());
            boolean ready = currentKey && issuer.issuer().equals(m.issuer()) && m.expiresAt() != null && m.expiresAt().isAfter(now);
            return new SecretInfo(m.namespace(), m.name(), m.key(), m.subject(), m.roles(), m.groups(), m.issuer(),
                    m.issuedAt(), m.expiresAt(), m.jti(), m.keyFingerprint(), currentKey, m.renewalTime(), ready,
                    m.renewalError(), m.proven());
        }
    }

    @GET
    @Operation(summary = "List managed token Secrets", description = "The Secrets labelled "
            + "app.kubernetes.io/managed-by=px-token-service in one allowed namespace, or in all of them. Needs a "
            + "cluster: in `./mvnw quarkus:dev` without one, the answer is 503.")
    @APIResponse(responseCode = "200", description = "The Secrets, described from their metadata",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = SecretInfo.class)))
    @APIResponse(responseCode = "403", description = "Namespace not in pxtoken.secrets.namespaces, or the caller may "
            + "not list secrets there",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "Kubernetes refused (RBAC) or failed the call",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No Kubernetes cluster is configured, or it is unreachable",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "504", description = "Kubernetes did not answer within pxtoken.kubernetes.timeout",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    public List<SecretInfo> list(@Parameter(description = "Only this namespace") @QueryParam("namespace") String namespace) {
        Caller caller = Caller.of(identity);
        List<ManagedSecret> found = listing.list(caller, namespace);
        IssuerOperation.IssuerInfo info = issuer.describe(caller);
        java.time.Instant now = issuer.now();
        return found.stream().map(m -> SecretInfo.of(m, info, now)).toList();
    }

    @DELETE
    @Path("/{namespace}/{name}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a managed token Secret", description = "Only a Secret labelled "
            + "app.kubernetes.io/managed-by=px-token-service. Needs a cluster: in `./mvnw quarkus:dev` without one, "
            + "the answer is 503.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such Secret",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "400", description = "The namespace or name is not a valid Kubernetes name",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Namespace not in pxtoken.secrets.namespaces, the pxkeys Secret, "
            + "or the caller may not delete secrets there",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The Secret is not managed by this service; it was left alone",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "Kubernetes refused (RBAC) or failed the call",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No Kubernetes cluster is configured, or it is unreachable",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "504", description = "Kubernetes did not answer within pxtoken.kubernetes.timeout",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    public void delete(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        deleting.delete(Caller.of(identity), namespace, name);
    }
}
