package io.pxtoken.auth;

/** No acceptable credential (401). The message says why without echoing the token. */
public class AuthenticationException extends RuntimeException {

    public AuthenticationException(String message) {
        super(message, null, false, false);
    }
}
