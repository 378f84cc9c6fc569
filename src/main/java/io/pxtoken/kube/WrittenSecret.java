package io.pxtoken.kube;

/**
 * A token Secret after a write.
 *
 * @param target where the token now is
 * @param operation {@code created} or {@code updated}
 * @param resourceVersion the Secret's resourceVersion after the write
 */
public record WrittenSecret(SecretTarget target, String operation, String resourceVersion) {
}
