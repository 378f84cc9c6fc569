package io.pxtoken.token;

/**
 * An error as Go's standard library words it ({@code illegal base64 data at input byte 4},
 * {@code invalid character 'x' after top-level value}, ...). Portworx passes these texts on unchanged, so the verifier
 * does too. Never carries more of the input than Go's own text does (one character at most).
 */
final class GoError extends Exception {

    GoError(String message) {
        super(message, null, false, false);
    }
}
