package io.pxtoken.auth;

import java.util.List;

/** The caller lacks permissions (403); each is named in {@code kubectl auth can-i} form, so the fix is obvious. */
public class AccessDeniedException extends RuntimeException {

    private final List<String> missing;

    public AccessDeniedException(String message, List<String> missing) {
        super(message, null, false, false);
        this.missing = List.copyOf(missing);
    }

    public List<String> missing() {
        return missing;
    }
}
