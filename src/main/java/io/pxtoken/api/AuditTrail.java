package io.pxtoken.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;

import io.pxtoken.auth.Audit;
import io.pxtoken.auth.AuditRecord;
import io.pxtoken.auth.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * One audit line for every {@code /v1} answer, whoever sent it and however it ended: installed on the HTTP router
 * ahead of authentication, so 401, 405, 413, 415 and OPTIONS are recorded like any other answer.
 */
@ApplicationScoped
public class AuditTrail {

    /** Runs before Quarkus's authentication handler and everything after it. */
    static final int ORDER = -1_000;
    private static final String RECORD = AuditRecord.class.getName();

    private final Audit audit;

    public AuditTrail(Audit audit) {
        this.audit = audit;
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(ORDER).handler(ctx -> {
            AuditRecord record = new AuditRecord();
            String method = ctx.request().method().name();
            String path = ctx.normalizedPath();
            record.action(action(method, path));
            ctx.put(RECORD, record);
            ctx.addEndHandler(done -> audit.write(record, caller(ctx), method, path, ctx.response().getStatusCode()));
            ctx.next();
        });
    }

    /** The audit record of the current request, for the operations to fill in. */
    @Produces
    @RequestScoped
    AuditRecord current(CurrentVertxRequest request) {
        return of(request.getCurrent());
    }

    static AuditRecord of(RoutingContext ctx) {
        AuditRecord r = ctx == null ? null : ctx.get(RECORD);
        return r != null ? r : new AuditRecord();
    }

    private static Caller caller(RoutingContext ctx) {
        if (ctx.user() instanceof QuarkusHttpUser user) {
            SecurityIdentity identity = user.getSecurityIdentity();
            return identity == null ? null : identity.getAttribute(Caller.ATTRIBUTE);
        }
        return null;
    }

    static String action(String method, String path) {
        return switch (method + " " + (path.startsWith("/v1/secrets/") ? "/v1/secrets/*" : path)) {
            case "POST /v1/tokens" -> "mint";
            case "POST /v1/tokens/verify" -> "verify";
            case "GET /v1/issuer" -> "read-issuer";
            case "GET /v1/secrets" -> "list-secrets";
            case "GET /v1/checks" -> "check-tokens";
            case "DELETE /v1/secrets/*" -> "delete-secret";
            default -> method + " " + path;
        };
    }
}
