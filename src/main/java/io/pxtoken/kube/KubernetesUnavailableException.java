package io.pxtoken.kube;

/**
 * The Kubernetes API could not do what was asked. {@link #status()} says how: 503 not configured, unreachable or
 * conflicting; 504 too slow; 502 refused or failed. The message never quotes the API's response, which could echo
 * the Secret.
 */
public class KubernetesUnavailableException extends RuntimeException {

    private final int status;
    private final String code;
    private final boolean outcomeUnknown;

    public KubernetesUnavailableException(int status, String code, String message) {
        this(status, code, message, false);
    }

    /**
     * @param outcomeUnknown true when a write was sent and its answer never came: it may have been carried out
     */
    public KubernetesUnavailableException(int status, String code, String message, boolean outcomeUnknown) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }

    /** A short problem code: {@code kubernetes-not-configured}, {@code kubernetes-unreachable}, ... */
    public String code() {
        return code;
    }

    /** Whether a write may have been carried out although no answer came. */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
