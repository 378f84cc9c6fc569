package io.pxtoken.api;

import java.util.List;

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
}
