package io.pxtoken.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/** {@code /} sends a browser to Swagger UI instead of a bare 404. */
@ApplicationScoped
public class RootRedirect {

    static final String SWAGGER_UI = "/q/swagger-ui/";

    void install(@Observes Router router) {
        router.get("/").handler(ctx -> ctx.response().setStatusCode(302)
                .putHeader(HttpHeaders.LOCATION, SWAGGER_UI).end());
    }
}
