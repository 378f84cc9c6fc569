package io.pxtoken.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pxtoken.token.TokenMetrics;
import io.vertx.ext.web.Router;

/**
 * Refuses request bodies over 64 KiB with a 413 problem before they are read. Bodies without a Content-Length are
 * cut at the same size by {@code quarkus.http.limits.max-body-size}.
 */
@ApplicationScoped
public class BodySizeLimit {

    public static final int MAX_BYTES = 64 * 1024;

    private final TokenMetrics metrics;
    private final String body;

    public BodySizeLimit(TokenMetrics metrics, ObjectMapper json) throws JsonProcessingException {
        this.metrics = metrics;
        this.body = json.writeValueAsString(ProblemMapper.problem(413, "body-too-large", "Request body too large",
                "body: is larger than " + MAX_BYTES + " bytes (64 KiB)", null, null));
    }

    void install(@Observes Router router) {
        router.route("/v1/*").order(-100).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && tooLong(length)) {
                metrics.rejected("body-too-large");
                ctx.response().setStatusCode(413)
                        .putHeader("Content-Type", MediaTypes.PROBLEM_JSON)
                        .putHeader("Connection", "close")
                        .end(body);
                return;
            }
            ctx.next();
        });
    }

    private static boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
