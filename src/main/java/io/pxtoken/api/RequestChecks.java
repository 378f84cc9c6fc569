package io.pxtoken.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Checks every authenticated {@code /v1} request before the REST layer reads it: a body over 64 KiB is a 413
 * problem, whether its length is declared or it is sent in chunks, and a {@code Content-Type} that is not a media
 * type is a 400 problem. Runs after authentication, so an unauthenticated request is a 401 whatever it carries.
 */
@ApplicationScoped
public class RequestChecks {

    public static final int MAX_BYTES = 64 * 1024;
    /** After Quarkus's authentication handler, before its own upload limit (order -2) and the REST layer. */
    static final int ORDER = -3;

    static Problem tooLarge() {
        return ProblemMapper.problem(413, "body-too-large", "Request body too large",
                "body: is larger than " + MAX_BYTES + " bytes (64 KiB)", (String) null);
    }

    void install(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BYTES);
        router.route("/v1/*").order(ORDER).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && tooLong(length)) {
                ctx.fail(413);
                return;
            }
            String type = ctx.request().getHeader("Content-Type");
            if (type != null && !mediaType(type)) {
                ctx.fail(400, new InvalidContentTypeException());
                return;
            }
            if (length == null && ctx.request().headers().contains("Transfer-Encoding", "chunked", true)) {
                // a body of unknown length: read it here, up to the limit, so that too much is a 413 problem
                body.handle(ctx);
            } else {
                ctx.next();
            }
        });
    }

    /** A {@code Content-Type} header that is not a media type. */
    static final class InvalidContentTypeException extends RuntimeException {
        InvalidContentTypeException() {
            super("Content-Type: is not a media type; send application/json or application/yaml", null, false, false);
        }
    }

    private static boolean mediaType(String value) {
        try {
            MediaType.valueOf(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean isTooLarge(RoutingContext ctx) {
        return ctx.statusCode() == 413;
    }
}
