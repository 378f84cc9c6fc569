package io.pxtoken.api;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.pxtoken.auth.AccessDeniedException;
import io.pxtoken.auth.AuditRecord;
import io.pxtoken.auth.RateLimitedException;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.kube.KubernetesConflictException;
import io.pxtoken.kube.KubernetesUnavailableException;
import io.pxtoken.kube.SecretNotFoundException;
import io.pxtoken.kube.SecretDeclaredException;
import io.pxtoken.kube.SecretNotManagedException;
import io.pxtoken.kube.SecretRefusedException;
import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.TokenMetrics;
import io.pxtoken.token.Violation;

/**
 * The one place where failures become RFC 9457 {@code application/problem+json}. Details name the field and the
 * reason; they never quote a parser's message, which could echo part of a token from the body.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    /** What a list field looks like, for the reason given when a scalar was sent instead. */
    private static final Map<String, String> LIST_EXAMPLES = Map.of(
            "roles", "[\"system.admin\"]",
            "groups", "[\"*\"]");

    private final TokenMetrics metrics;
    private final AuditRecord audit;

    public ProblemMapper(TokenMetrics metrics, AuditRecord audit) {
        this.metrics = metrics;
        this.audit = audit;
    }

    @ServerExceptionMapper
    public Response denied(AccessDeniedException e, UriInfo uri) {
        audit.missing(e.missing());
        Problem p = problem(403, "forbidden", "Not allowed", e.getMessage(), uri, null);
        return respond(new Problem(p.type(), p.title(), p.status(), p.detail(), p.instance(), null, e.missing(), null));
    }

    @ServerExceptionMapper
    public Response conflict(KubernetesConflictException e, UriInfo uri) {
        return respond(problem(409, "secret-changed", "Secret changed", e.getMessage() + "; try again", uri, null));
    }

    @ServerExceptionMapper
    public Response rateLimited(RateLimitedException e, UriInfo uri) {
        return builder(problem(429, "rate-limited", "Too many requests", e.getMessage(), uri, null))
                .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public Response invalidClaims(InvalidClaimsException e, UriInfo uri) {
        return respond(problem(400, "invalid-request", "Invalid request", e.getMessage(), uri, e.violations()));
    }

    @ServerExceptionMapper
    public Response keyUnavailable(KeyUnavailableException e, UriInfo uri) {
        return respond(problem(503, "key-unavailable", "No shared secret",
                "No usable shared secret: " + e.getMessage(), uri, null));
    }

    @ServerExceptionMapper
    public Response secretRefused(SecretRefusedException e, UriInfo uri) {
        return respond(problem(403, "secret-refused", "Secret not allowed", e.getMessage(), uri, null));
    }

    @ServerExceptionMapper
    public Response secretNotManaged(SecretNotManagedException e, UriInfo uri) {
        return respond(problem(409, "secret-not-managed", "Secret not managed by this service", e.getMessage(), uri, null));
    }

    @ServerExceptionMapper
    public Response secretDeclared(SecretDeclaredException e, UriInfo uri) {
        return respond(problem(409, "secret-declared", "Secret belongs to a declared token", e.getMessage(), uri, null));
    }

    @ServerExceptionMapper
    public Response secretNotFound(SecretNotFoundException e, UriInfo uri) {
        return respond(problem(404, "secret-not-found", "No such Secret", e.getMessage(), uri, null));
    }

    @ServerExceptionMapper
    public Response kubernetes(KubernetesUnavailableException e, UriInfo uri) {
        Response.Status known = Response.Status.fromStatusCode(e.status());
        String title = switch (e.code()) {
            case "kubernetes-not-configured" -> "No Kubernetes cluster";
            case "kubernetes-timeout" -> "Kubernetes API timed out";
            case "kubernetes-forbidden" -> "Kubernetes refused the service account";
            case "kubernetes-conflict" -> "Secret kept changing";
            case "kubernetes-unreachable" -> "Kubernetes API unreachable";
            case "provenance-key-unavailable" -> "No provenance key";
            default -> known == null ? "Kubernetes API failed" : known.getReasonPhrase();
        };
        String detail = e.getMessage();
        if (e.outcomeUnknown()) {
            audit.delivered("unknown");
        } else if (uri != null && uri.getPath().equals("/v1/tokens")) {
            detail += "; no token was issued";
        }
        return respond(problem(e.status(), e.code(), title, detail, uri, null));
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                .map(Object::toString).sorted().collect(Collectors.joining(", "));
        Violation violation = new Violation(path(e), "is not a known field; known fields: " + known);
        Problem p = problem(400, "invalid-request", "Invalid request", violation.toString(), uri, List.of(violation));
        boolean mintAnswer = verify(uri) && e.getPropertyName() != null && Hints.MINT_ANSWER_FIELDS.contains(e.getPropertyName());
        return respond(mintAnswer ? p.withHint(Hints.WHOLE_RESPONSE) : p);
    }

    private static boolean verify(UriInfo uri) {
        return uri != null && uri.getPath().endsWith("/verify");
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        if (e.getPath().isEmpty()) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            String reason = message.startsWith("No content") ? "is required"
                    : message.startsWith("Trailing token") ? "has more after the JSON value; send exactly one object"
                    : "must be an object with the documented fields";
            return invalidBody(new Violation("body", reason), uri);
        }
        Class<?> target = e.getTargetType();
        String field = path(e);
        String reason = target != null && java.util.Collection.class.isAssignableFrom(target)
                ? "must be a list of strings, e.g. " + LIST_EXAMPLES.getOrDefault(field, "[\"a\", \"b\"]")
                : target == String.class ? "must be a string" : "has the wrong type";
        return invalidBody(new Violation(field, reason), uri);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        if (e instanceof MismatchedInputException m) {
            return mismatchedInput(m, uri);
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        Violation violation = new Violation("body", "cannot be parsed" + where);
        Problem p = problem(400, "invalid-request", "Invalid request", violation.toString(), uri, List.of(violation));
        // the first value of the body failed: it does not even start like JSON, as a YAML auth-config file does not
        boolean notJsonAtAll = e.getProcessor() instanceof JsonParser parser && parser.getParsingContext() != null
                && parser.getParsingContext().inRoot() && parser.getParsingContext().getEntryCount() <= 1;
        return respond(notJsonAtAll ? p.withHint(verify(uri) ? Hints.VERIFY_NOT_JSON : Hints.NOT_JSON) : p);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException j) {
            return unreadable(j, uri);
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        String detail = switch (status) {
            case 415 -> uri.getPath().endsWith("/verify")
                    ? "Send the token as text/plain, or as application/json {\"token\": \"...\"}"
                    : "Send the body as application/json, or as YAML (application/yaml, application/x-yaml, text/yaml)";
            case 406 -> "This endpoint answers application/json" + (uri.getPath().equals("/v1/tokens") ? " or text/plain" : "");
            case 404 -> "No such endpoint: " + uri.getPath();
            case 405 -> "This method is not allowed on " + uri.getPath();
            default -> title;
        };
        return respond(problem(status, title.toLowerCase().replace(' ', '-'), title, detail, uri, null));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.errorf("Unexpected %s on %s", e.getClass().getName(), uri.getPath());
        LOG.debug("Stack trace", e);
        return respond(problem(500, "internal", "Internal error", "The request failed unexpectedly; see the service log", uri, null));
    }

    private Response invalidBody(Violation violation, UriInfo uri) {
        return respond(problem(400, "invalid-request", "Invalid request", violation.toString(), uri, List.of(violation)));
    }

    static Problem problem(int status, String code, String title, String detail, UriInfo uri, List<Violation> errors) {
        return new Problem(Problem.TYPE_PREFIX + code, title, status, detail, uri == null ? null : uri.getPath(), errors, null, null);
    }

    static Problem problem(int status, String code, String title, String detail, String path) {
        return new Problem(Problem.TYPE_PREFIX + code, title, status, detail, path, null, null, null);
    }

    private Response respond(Problem p) {
        return builder(p).build();
    }

    private Response.ResponseBuilder builder(Problem p) {
        metrics.rejected(p.code());
        audit.problem(p.code());
        return Response.status(p.status()).type(MediaTypes.PROBLEM_JSON).entity(p);
    }

    /** Jackson's path as the caller wrote it: {@code roles[1]}, {@code secret.name}. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }
}
