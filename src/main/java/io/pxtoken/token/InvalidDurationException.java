package io.pxtoken.token;

import java.util.List;

/** A duration that is not valid pxctl syntax, is zero, or is too long. */
public class InvalidDurationException extends InvalidClaimsException {

    public InvalidDurationException(String field, String reason) {
        super(List.of(new Violation(field, reason)));
    }
}
