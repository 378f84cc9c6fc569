package io.pxtoken.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.Caches;
import io.pxtoken.kube.Informers;
import io.quarkus.arc.Unremovable;

/**
 * The controller runtime the leader's reconcilers run on (the shape of client-go's workqueue, controller-runtime and
 * the Java Operator SDK, in a few hundred lines): while this replica holds the Lease, every {@link Reconciler} that is
 * on opens the informer caches it reads, their events queue keys in one fair {@link WorkQueue}, and
 * {@code pxtoken.controller.workers} threads work the keys, never two on one key. A key whose reconcile throws is
 * retried after its own backoff ({@code pxtoken.renewal.first-retry}, doubling, at most
 * {@code pxtoken.renewal.max-retry-interval}) while the others proceed. A key is worked only once the caches its
 * reconciler opened have listed. When leadership ends, the workers stop, the caches close, and each reconciler forgets
 * what it kept.
 */
@ApplicationScoped
@Unremovable // found through Instance<LeaderWork> too
public class Controllers implements LeaderWork {

    private static final Logger LOG = Logger.getLogger(Controllers.class);
    /** A key whose caches have not listed yet waits this long. */
    static final Duration NOT_SYNCED = Duration.ofMillis(200);

    /** One leadership: its queue, caches, workers and what to close. */
    private final class Lead implements Reconciler.Setup {
        final WorkQueue queue = new WorkQueue(backoff, nanos);
        final Caches caches = informers.caches();
        final List<Thread> workers = new ArrayList<>();
        final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
        final Map<Reconciler, List<Caches.View<?>>> views = new HashMap<>();
        Reconciler opening;

        @Override
        public <T extends io.fabric8.kubernetes.api.model.HasMetadata> Caches.View<T> cache(Caches.Spec<T> spec,
                Caches.Events<T> events) {
            Caches.View<T> v = caches.open(spec, events);
            views.computeIfAbsent(opening, r -> new ArrayList<>()).add(v);
            return v;
        }

        @Override
        public WorkQueue queue() {
            return queue;
        }

        @Override
        public void onClose(AutoCloseable c) {
            closing.add(c);
        }

        boolean synced(Reconciler r) {
            return views.getOrDefault(r, List.of()).stream().allMatch(Caches.View::synced);
        }
    }

    private final Informers informers;
    private final Iterable<Reconciler> reconcilers;
    private final int workerCount;
    private final Backoff backoff;
    private final LongSupplier nanos;

    private final List<Reconciler> running = new ArrayList<>();
    private final Map<String, Reconciler> byKind = new HashMap<>();
    private volatile Lead lead;

    @Inject
    public Controllers(PxTokenConfig config, Informers informers, Instance<Reconciler> reconcilers, MeterRegistry registry) {
        this(config, informers, (Iterable<Reconciler>) reconcilers, System::nanoTime);
        Gauge.builder("pxtoken_controller_queued", this, c -> c.queued(false))
                .description("Objects queued for the leader's reconcilers now").register(registry);
        Gauge.builder("pxtoken_controller_delayed", this, c -> c.queued(true))
                .description("Objects waiting for a delay or a retry's backoff before they are queued").register(registry);
    }

    /** A runtime of the given reconcilers, timed by {@code nanos}: a test's. */
    public Controllers(PxTokenConfig config, Informers informers, Iterable<Reconciler> reconcilers, LongSupplier nanos) {
        this.informers = informers;
        this.reconcilers = reconcilers;
        this.workerCount = Math.max(1, config.controller().workers());
        this.backoff = new Backoff(config.renewal().firstRetry(), config.renewal().maxRetryInterval());
        this.nanos = nanos;
    }

    @Override
    public synchronized String off() {
        running.clear();
        byKind.clear();
        List<String> reasons = new ArrayList<>();
        for (Reconciler r : reconcilers) {
            String off = r.off();
            if (off == null) {
                running.add(r);
                r.kinds().forEach(k -> {
                    if (byKind.putIfAbsent(k, r) != null) {
                        throw new IllegalStateException("two reconcilers of kind " + k);
                    }
                });
            } else {
                reasons.add(name(r) + ": " + off);
                LOG.infof("%s: off (%s)", name(r), off);
            }
        }
        return running.isEmpty() ? "no reconciler runs here (" + String.join("; ", reasons) + ")" : null;
    }

    /** Whether this replica leads and runs {@code r}. */
    public boolean running(Reconciler r) {
        return lead != null && !r.kinds().isEmpty() && r.kinds().stream().allMatch(byKind::containsKey);
    }

    /** Whether this replica leads and runs the reconcilers. */
    public boolean leading() {
        return lead != null;
    }

    @Override
    public synchronized void startLeading() {
        if (lead != null) {
            return;
        }
        Lead l = new Lead();
        for (Reconciler r : running) {
            l.opening = r;
            try {
                r.open(l);
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not open its caches (%s)", name(r), e.getMessage());
            }
        }
        l.opening = null;
        l.caches.start();
        for (int i = 0; i < workerCount; i++) {
            Thread t = LeaderWork.threads("controller-" + i).newThread(() -> work(l));
            l.workers.add(t);
            t.start();
        }
        lead = l;
        LOG.infof("Controllers: %d worker(s) for %s", workerCount, running.stream().map(Controllers::name).toList());
    }

    @Override
    public synchronized void stopLeading() {
        Lead l = lead;
        if (l == null) {
            return;
        }
        lead = null;
        l.queue.shutDown();
        l.workers.forEach(Thread::interrupt);
        l.caches.close();
        for (AutoCloseable c : l.closing) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debugf("Closing: %s", e.getClass().getName());
            }
        }
        for (Reconciler r : running) {
            try {
                r.closed();
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not stop (%s)", name(r), e.getClass().getName());
            }
        }
    }

    /**
     * Reconciles {@code key} now, in the calling thread, out of turn (an operator's or a test's request): waits while a
     * worker holds it, and until its caches have listed.
     *
     * @return false when this replica does not lead
     */
    public boolean reconcileNow(Key key, Duration syncTimeout) throws InterruptedException {
        Lead l = lead;
        Reconciler r = byKind.get(key.kind());
        if (l == null || r == null) {
            return false;
        }
        long deadline = nanos.getAsLong() + syncTimeout.toNanos();
        while (!l.synced(r) && nanos.getAsLong() - deadline < 0 && lead == l) {
            Thread.sleep(20);
        }
        if (!l.queue.claim(key)) {
            return false;
        }
        try {
            process(l, r, key);
        } finally {
            l.queue.done(key);
        }
        return true;
    }

    private void work(Lead l) {
        while (true) {
            Key key;
            try {
                key = l.queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                Reconciler r = byKind.get(key.kind());
                if (r == null) {
                    LOG.warnf("Controllers: no reconciler for %s", key);
                } else if (!l.synced(r)) {
                    l.queue.addAfter(key, NOT_SYNCED);
                } else {
                    process(l, r, key);
                }
            } finally {
                l.queue.done(key);
            }
        }
    }

    private void process(Lead l, Reconciler r, Key key) {
        WritePacing.enter(key.lane());
        try {
            Result result = r.reconcile(key);
            l.queue.forget(key);
            if (result != null && result.after() != null) {
                l.queue.addAfter(key, result.after());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (lead != l) {
                return;
            }
            Duration wait = l.queue.retry(key);
            LOG.warnf("%s failed (%s); again in %s s (failure %d in a row)", key,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    wait.toMillis() / 1000.0, l.queue.failures(key));
        } finally {
            WritePacing.leave();
        }
    }

    /** The queue of this leadership (null when not leading): for tests and reconcilers' own use. */
    WorkQueue queue() {
        Lead l = lead;
        return l == null ? null : l.queue;
    }

    private double queued(boolean delayed) {
        Lead l = lead;
        return l == null ? 0 : delayed ? l.queue.delayed() : l.queue.queued();
    }

    static String name(Object o) {
        String n = o.getClass().getSimpleName();
        int proxy = n.indexOf('_');
        return proxy > 0 ? n.substring(0, proxy) : n;
    }
}
