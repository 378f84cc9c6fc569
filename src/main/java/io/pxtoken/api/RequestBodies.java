package io.pxtoken.api;

import java.util.List;

import jakarta.ws.rs.core.UriInfo;

import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.Violation;

/** Checks shared by the resources for bodies that are absent or empty. */
final class RequestBodies {

    private RequestBodies() {
    }

    static <T> T required(T body) {
        if (body == null) {
            throw new InvalidClaimsException(List.of(new Violation("body", "is required")));
        }
        return body;
    }

    /** A token as pasted: surrounding whitespace (the newline of {@code TOKEN=$(...)}) is dropped. */
    static String token(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidClaimsException(List.of(new Violation("token", "is required")));
        }
        return token.strip();
    }

    /**
     * A query parameter as sent: {@code ""} for {@code ?name=} or {@code ?name}, which the framework would report as
     * absent; {@code null} only when it was not sent.
     */
    static String query(UriInfo uri, String name) {
        List<String> values = uri.getQueryParameters().get(name);
        return values == null ? null : values.isEmpty() || values.get(0) == null ? "" : values.get(0);
    }
}
