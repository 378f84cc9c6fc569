package io.pxtoken.kube;

/** This service may not touch that Secret: namespace not allowed, Secret writing off, or the pxkeys Secret. (403) */
public class SecretRefusedException extends RuntimeException {

    public SecretRefusedException(String message) {
        super(message, null, false, false);
    }
}
