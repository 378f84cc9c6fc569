package io.pxtoken.keys;

/** No usable shared secret has been loaded; the message names the file and the problem, never its content. */
public class KeyUnavailableException extends RuntimeException {

    public KeyUnavailableException(String message) {
        super(message, null, false, false);
    }
}
