package io.pxtoken.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.pxtoken.auth.Caller;
import io.pxtoken.ops.ChecksOperation;
import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.Violation;
import io.quarkus.security.identity.SecurityIdentity;

@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No acceptable bearer token; WWW-Authenticate says Bearer",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "429", description = "Too many requests from this caller; Retry-After says when to retry",
        content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
@Path("/v1/checks")
@Tag(name = "checks", description = "Which tokens Portworx will read, and which will fail")
public class ChecksResource {

    private final ChecksOperation checks;
    private final SecurityIdentity identity;

    public ChecksResource(ChecksOperation checks, SecurityIdentity identity) {
        this.checks = checks;
        this.identity = identity;
    }

    @GET
    @Produces({ MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN })
    @Operation(summary = "Check every token Portworx will read", description = "Finds every Secret a StorageClass "
            + "(openstorage.io/auth-secret-*, csi.storage.k8s.io/*-secret-*, `${pvc.namespace}` and `${pvc.name}` expanded over "
            + "the PVCs of the class) or a PersistentVolume (its provisioner's deletion secret) makes Portworx read a token "
            + "from, and judges each token as Portworx would now. Secrets outside pxtoken.checks.namespaces are not read "
            + "(not-permitted). Needs `get checks.pxtoken.io`: cluster-wide for every row, in a namespace for that namespace's "
            + "rows. A token whose signature was not checked is never quoted: its reason names the failure class. "
            + "`?format=text` answers an aligned table. Needs a cluster: in "
            + "`./mvnw quarkus:dev` without one, the answer is 503.")
    @APIResponse(responseCode = "200", description = "Counts per verdict, then one item per Secret; never a token",
            content = { @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChecksResponse.class)),
                    @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = SchemaType.STRING,
                            description = "The same as an aligned table (format=text)")) })
    @APIResponse(responseCode = "400", description = "format is neither json nor text",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The caller may get checks.pxtoken.io neither cluster-wide nor in a namespace of the rows",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "502", description = "Kubernetes refused (RBAC) or failed a read",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No Kubernetes cluster is configured or it is unreachable, or no "
            + "shared secret is loaded",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "504", description = "Kubernetes did not answer within pxtoken.kubernetes.timeout",
            content = @Content(mediaType = MediaTypes.PROBLEM_JSON, schema = @Schema(implementation = Problem.class)))
    public Response check(@Parameter(description = "json (the default) or text", example = "text") @QueryParam("format")
            String format) {
        boolean text = "text".equals(format);
        if (format != null && !text && !"json".equals(format)) {
            throw new InvalidClaimsException(List.of(new Violation("format", "must be json or text")));
        }
        ChecksResponse report = ChecksResponse.of(checks.check(Caller.of(identity)));
        return text ? Response.ok(ChecksTable.render(report), MediaType.TEXT_PLAIN_TYPE).build()
                : Response.ok(report, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
