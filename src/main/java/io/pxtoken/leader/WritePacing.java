package io.pxtoken.leader;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.auth.TokenBuckets;
import io.pxtoken.config.PxTokenConfig;

/**
 * The pace of the controllers' API writes: {@code pxtoken.kubernetes.qps} per second after a burst of
 * {@code pxtoken.kubernetes.burst}, shared by every worker, so that a key rotation or a leader taking over thousands
 * of objects never floods the API server. A reconcile of an object already up to date writes nothing and waits for
 * nothing. Paced in real (monotonic) time: the rate protects the API server, whatever the service's clock says.
 */
@ApplicationScoped
public class WritePacing {

    private static final String KEY = "writes";

    private final TokenBuckets buckets;

    public WritePacing(PxTokenConfig config) {
        this.buckets = new TokenBuckets("controller writes", config.kubernetes().qps(), config.kubernetes().burst(),
                System::nanoTime);
    }

    /** Waits until one more write may go. */
    public void await() throws InterruptedException {
        buckets.await(KEY);
    }

    /**
     * {@link #await()} for code that cannot throw InterruptedException: an interruption (leadership ended) keeps the
     * thread's interrupt flag and fails the write with {@link java.util.concurrent.CancellationException}.
     */
    public void pace() {
        try {
            await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("no longer leading");
        }
    }
}
