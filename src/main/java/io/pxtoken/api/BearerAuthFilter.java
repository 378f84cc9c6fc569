package io.pxtoken.api;

import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.pxtoken.auth.Audit;
import io.pxtoken.auth.AuditRecord;
import io.pxtoken.auth.AuthenticationException;
import io.pxtoken.auth.Caller;
import io.pxtoken.auth.CallerAuthenticator;
import io.pxtoken.auth.RateLimiter;
import io.pxtoken.config.PxTokenConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Identifies the caller of every {@code /v1} request from {@code Authorization: Bearer}, applies its rate limit, and
 * writes the request's audit line when it is answered. Health, metrics, OpenAPI and Swagger UI are not JAX-RS
 * resources, so they stay open.
 */
public class BearerAuthFilter {

    private static final Logger LOG = Logger.getLogger(BearerAuthFilter.class);
    private static final String BEARER = "bearer ";
    private static final String AUDIT_PROPERTY = AuditRecord.class.getName();

    private final boolean enabled;
    private final CallerAuthenticator authenticator;
    private final RateLimiter limiter;
    private final AuditRecord record;
    private final Audit audit;

    public BearerAuthFilter(PxTokenConfig config, CallerAuthenticator authenticator, RateLimiter limiter,
            AuditRecord record, Audit audit) {
        this.enabled = config.auth().enabled();
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.record = record;
        this.audit = audit;
    }

    static void warnWhenOpen(@Observes StartupEvent event, PxTokenConfig config) {
        if (!config.auth().enabled()) {
            LOG.warn("*** pxtoken.auth.enabled=false: ANYONE who can reach this service can mint Portworx tokens, "
                    + "system.admin included. Never run it like this outside your own machine. ***");
        }
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/")) {
            return;
        }
        request.setProperty(AUDIT_PROPERTY, record.instance());
        record.action(action(request.getMethod(), path));
        if (!enabled) {
            record.caller(Caller.ANONYMOUS);
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw new AuthenticationException("Send Authorization: Bearer <token>: a Portworx admin token, or a Kubernetes "
                    + "token (kubectl create token ...)");
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new AuthenticationException("The Authorization header must be \"Bearer <token>\"");
        }
        String token = header.substring(BEARER.length()).strip();
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new AuthenticationException("The bearer token is empty or holds characters a token cannot have");
        }
        Caller caller = authenticator.authenticate(token);
        record.caller(caller);
        limiter.acquire(caller);
    }

    @ServerResponseFilter
    public void audit(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (request.getProperty(AUDIT_PROPERTY) instanceof AuditRecord r) {
            audit.write(r, request.getMethod(), path, response.getStatus());
        }
    }

    static String action(String method, String path) {
        return switch (method + " " + (path.startsWith("/v1/secrets/") ? "/v1/secrets/*" : path)) {
            case "POST /v1/tokens" -> "mint";
            case "POST /v1/tokens/verify" -> "verify";
            case "GET /v1/issuer" -> "read-issuer";
            case "GET /v1/secrets" -> "list-secrets";
            case "DELETE /v1/secrets/*" -> "delete-secret";
            default -> method + " " + path;
        };
    }
}
