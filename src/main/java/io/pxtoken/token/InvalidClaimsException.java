package io.pxtoken.token;

import java.util.List;
import java.util.stream.Collectors;

/** The requested claims break one or more rules; every violation is listed. */
public class InvalidClaimsException extends TokenException {

    private final List<Violation> violations;

    public InvalidClaimsException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
