package io.pxtoken.token;

/**
 * One thing wrong with a request.
 *
 * @param field the field, as the caller wrote it ({@code roles[1]}, {@code duration})
 * @param reason why it was refused; never contains a secret or a token
 */
public record Violation(String field, String reason) {

    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
