package io.pxtoken.kube;

/** No such Secret, or no such namespace. (404) */
public class SecretNotFoundException extends RuntimeException {

    public SecretNotFoundException(String message) {
        super(message, null, false, false);
    }
}
