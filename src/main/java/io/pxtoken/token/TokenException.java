package io.pxtoken.token;

/** Base of every failure the domain reports; {@code api/} maps each kind to one problem type. */
public abstract class TokenException extends RuntimeException {

    protected TokenException(String message) {
        super(message, null, false, false);
    }
}
