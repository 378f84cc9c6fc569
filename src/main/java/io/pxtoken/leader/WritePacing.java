package io.pxtoken.leader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.pxtoken.auth.TokenBuckets;
import io.pxtoken.config.PxTokenConfig;

/**
 * The pace of the controllers' API writes: {@code pxtoken.kubernetes.qps} per second after a burst of
 * {@code pxtoken.kubernetes.burst}, shared by every worker, so that a key rotation or a leader taking over thousands
 * of objects never floods the API server. A reconcile of an object already up to date writes nothing and waits for
 * nothing. Paced in real (monotonic) time: the rate protects the API server, whatever the service's clock says.
 * <p>
 * Fair as the work queue is: when writes wait, each lane (the {@link Key#lane()} a worker is reconciling, set by
 * {@link Controllers}) gets the next write in turn, however many workers it has waiting. Without that, the workers of
 * one namespace's backlog would take three writes in four from the one worker writing a ClusterPxToken's Secrets
 * (measured: its 300 Secrets took 91 s behind 2,000 PxTokens at qps 20, where its own writes need 15 s).
 */
@ApplicationScoped
public class WritePacing {

    private static final String KEY = "writes";
    /** The lane of a write made outside a worker's reconcile. */
    private static final String NO_LANE = "";
    private static final ThreadLocal<String> LANE = new ThreadLocal<>();

    private final TokenBuckets buckets;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Lanes with writers waiting (how many), in the order they get the next write. */
    private final Map<String, Integer> waiting = new LinkedHashMap<>();

    @Inject
    public WritePacing(PxTokenConfig config) {
        this(config.kubernetes().qps(), config.kubernetes().burst(), System::nanoTime);
    }

    WritePacing(double qps, int burst, LongSupplier nanos) {
        this.buckets = new TokenBuckets("controller writes", qps, burst, nanos);
    }

    /** The lane whose writes the calling thread makes until {@link #leave()}: set around each reconcile. */
    static void enter(String lane) {
        LANE.set(lane);
    }

    static void leave() {
        LANE.remove();
    }

    /** Waits until one more write may go, and until it is this lane's turn among the lanes waiting. */
    public void await() throws InterruptedException {
        String lane = LANE.get() == null ? NO_LANE : LANE.get();
        lock.lockInterruptibly();
        try {
            waiting.merge(lane, 1, Integer::sum);
            try {
                while (true) {
                    if (lane.equals(waiting.keySet().iterator().next())) {
                        long wait = buckets.tryTake(KEY);
                        if (wait == 0) {
                            return;
                        }
                        changed.awaitNanos(wait);
                    } else {
                        changed.await(1, TimeUnit.SECONDS);
                    }
                }
            } finally {
                // taken or given up: this writer leaves; its lane, if others of it still wait, goes to the back
                int left = waiting.remove(lane) - 1;
                if (left > 0) {
                    waiting.put(lane, left);
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
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
