package io.pxtoken.kube;

/**
 * The object changed between read and write (HTTP 409 or a failed precondition): the caller reads again and decides
 * again. Only optimistic concurrency makes two replicas as safe as one.
 */
public class KubernetesConflictException extends RuntimeException {

    public KubernetesConflictException(String message) {
        super(message, null, false, false);
    }
}
