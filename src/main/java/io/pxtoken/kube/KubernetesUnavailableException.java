package io.pxtoken.kube;

/**
 * The Kubernetes API could not do what was asked. {@link #status()} says how: 503 not configured, unreachable or
 * conflicting; 504 too slow; 502 refused or failed. The message never quotes the API's response, which could echo
 * the Secret.
 */
public class KubernetesUnavailableException extends RuntimeException {

    private final int status;
    private final String code;

    public KubernetesUnavailableException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }

    /** A short problem code: {@code kubernetes-not-configured}, {@code kubernetes-unreachable}, ... */
    public String code() {
        return code;
    }
}
