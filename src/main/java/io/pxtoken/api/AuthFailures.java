package io.pxtoken.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pxtoken.auth.BearerMechanism;
import io.pxtoken.auth.RateLimitedException;
import io.pxtoken.auth.ReviewsBusyException;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.kube.KubernetesUnavailableException;
import io.pxtoken.token.TokenMetrics;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers what fails before a resource is reached, as problem+json like every other {@code /v1} answer: a caller
 * that is not authenticated (401), the per-address and per-caller limits (429), reviews busy or Kubernetes unable to
 * review (503/504), a body over the limit (413).
 */
@ApplicationScoped
public class AuthFailures {

    private final ObjectMapper json;
    private final TokenMetrics metrics;

    public AuthFailures(ObjectMapper json, TokenMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(AuditTrail.ORDER).failureHandler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        Throwable failure = ctx.failure();
        Throwable cause = failure != null && failure.getCause() != null && !(failure instanceof RateLimitedException)
                ? failure.getCause() : null;
        String path = ctx.normalizedPath();
        if (failure instanceof AuthenticationFailedException || failure instanceof UnauthorizedException
                || (failure == null && ctx.statusCode() == 401)) {
            if (cause instanceof RateLimitedException || cause instanceof ReviewsBusyException
                    || cause instanceof KubernetesUnavailableException || cause instanceof KeyUnavailableException) {
                failure = cause;
            } else {
                String detail = failure instanceof AuthenticationFailedException && failure.getMessage() != null
                        && !failure.getMessage().isBlank()
                        ? failure.getMessage()
                        : "Send Authorization: Bearer <token>: a Kubernetes token (kubectl create token <serviceaccount>)";
                boolean presented = ctx.request().getHeader("Authorization") != null;
                // RFC 6750 3.1: an error code only when a credential was presented
                ctx.response().putHeader("WWW-Authenticate", BearerMechanism.CHALLENGE + (presented ? ", error=\"invalid_token\"" : ""));
                send(ctx, ProblemMapper.problem(401, "unauthenticated", "Not authenticated", detail, path));
                return;
            }
        }
        if (failure instanceof RateLimitedException e) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            send(ctx, ProblemMapper.problem(429, "rate-limited", "Too many requests", e.getMessage(), path));
        } else if (failure instanceof ReviewsBusyException e) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            send(ctx, ProblemMapper.problem(503, "reviews-busy", "Too many callers under review", e.getMessage(), path));
        } else if (failure instanceof KubernetesUnavailableException e) {
            send(ctx, ProblemMapper.problem(e.status(), e.code(), "Kubernetes cannot review the caller", e.getMessage(), path));
        } else if (failure instanceof KeyUnavailableException e) {
            send(ctx, ProblemMapper.problem(503, "key-unavailable", "No shared secret", "No usable shared secret: " + e.getMessage(), path));
        } else if (RequestChecks.isTooLarge(ctx)) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            send(ctx, RequestChecks.tooLarge().at(path));
        } else if (failure instanceof RequestChecks.InvalidContentTypeException e) {
            send(ctx, ProblemMapper.problem(400, "invalid-request", "Invalid request", e.getMessage(), path));
        } else {
            ctx.next();
        }
    }

    private void send(RoutingContext ctx, Problem p) {
        metrics.rejected(p.code());
        AuditTrail.of(ctx).problem(p.code());
        String body;
        try {
            body = json.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + p.status() + "}";
        }
        ctx.response().setStatusCode(p.status()).putHeader(HttpHeaders.CONTENT_TYPE, MediaTypes.PROBLEM_JSON).end(body);
    }
}
