package io.pxtoken.ops;

import java.util.concurrent.ThreadLocalRandom;

import io.pxtoken.kube.KubernetesUnavailableException;
import io.pxtoken.kube.SecretTarget;

/**
 * Optimistic concurrency: read, decide, write with the version read; on a conflict wait a random, growing moment and
 * start again. No lock anywhere, so replicas are as safe as threads.
 */
final class Conflicts {

    static final int MAX_ATTEMPTS = 10;

    private Conflicts() {
    }

    /** Waits before attempt {@code attempt + 1}, or gives up with a 503 after the last one. */
    static void backOff(int attempt, SecretTarget target) {
        if (attempt >= MAX_ATTEMPTS) {
            throw new KubernetesUnavailableException(503, "kubernetes-conflict", "Secret " + target
                    + " kept changing under this service (" + MAX_ATTEMPTS + " conflicting writes); try again");
        }
        long cap = Math.min(200, 5L << attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesUnavailableException(503, "kubernetes-conflict", "Interrupted while writing Secret " + target);
        }
    }
}
