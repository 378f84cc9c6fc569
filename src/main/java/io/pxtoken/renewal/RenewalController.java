package io.pxtoken.renewal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.auth.TokenBuckets;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.kube.KubernetesCluster;
import io.pxtoken.leader.LeaderWork;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretWatch;
import io.pxtoken.kube.TokenSecrets;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps every managed token valid. The leader (one replica, through {@link io.pxtoken.leader.LeaderElection}) follows the managed Secrets with
 * informers and keeps one timer per Secret: at its {@code renewal-time} annotation, now when it was signed with a
 * key other than the current one, later after a failure (10 s, doubling, at most 5 minutes). All state is on the
 * Secrets, so a new leader, or a restart, carries on where the last one stopped and renews nothing early.
 */
@ApplicationScoped
@Unremovable // found through Instance<LeaderWork> too
public class RenewalController implements LeaderWork {

    private static final Logger LOG = Logger.getLogger(RenewalController.class);
    private static final String PACE = "renewals";

    /** A Secret's place in the schedule. */
    private record Due(Instant at, long seq, String key) {
    }

    /** What the schedule knows of one Secret: a few fields, never the Secret (its token is read when it is renewed). */
    private static final class Tracked {
        final String namespace;
        final String name;
        volatile String keyFingerprint;
        volatile Instant renewalTime;
        volatile boolean optedOut;
        volatile Due due;
        volatile int failures;
        volatile Instant retryAt;
        /** A renewal of this Secret is under way: never two at once. */
        volatile boolean running;
        /** Why the last renewal failed, while it fails; the next success records it on the Secret. */
        volatile String lastFailure;

        Tracked(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        void update(Secret s) {
            keyFingerprint = ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT);
            renewalTime = ManagedSecrets.instantAnnotation(s, ManagedSecrets.RENEWAL_TIME);
            optedOut = "false".equals(ManagedSecrets.annotation(s, ManagedSecrets.RENEW));
        }
    }

    /** Renewals under way at once; the pacer, not this, sets the rate. */
    static final int WORKERS = 4;

    private final PxTokenConfig config;
    private final KubernetesCluster cluster;
    private final SecretWatch watch;
    private final SecretRenewer renewer;
    private final TokenSecrets secrets;
    private final SharedSecretStore keys;
    private final RenewalMetrics metrics;
    private final RenewalScope scope;
    private final Clock clock;
    private final List<String> namespaces;
    /** ClusterPxTokens write Secrets in any namespace: then the managed Secrets of every namespace are followed. */
    private final boolean everywhere;

    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> schedule = new ConcurrentSkipListSet<>(
            Comparator.comparing(Due::at).thenComparingLong(Due::seq));
    private final AtomicLong seq = new AtomicLong();
    /** Renewals at most {@code qps} per second after a burst: a rotation of thousands never floods the API server. */
    private final TokenBuckets pacer;

    private volatile boolean leading;
    private volatile String keySeen;
    private volatile AutoCloseable informers;
    private ScheduledExecutorService ticker;
    private ExecutorService worker;

    public RenewalController(PxTokenConfig config, KubernetesCluster cluster, SecretWatch watch, SecretRenewer renewer,
            TokenSecrets secrets, SharedSecretStore keys, RenewalMetrics metrics, RenewalScope scope, Clock clock) {
        this.secrets = secrets;
        this.config = config;
        this.cluster = cluster;
        this.watch = watch;
        this.renewer = renewer;
        this.keys = keys;
        this.metrics = metrics;
        this.scope = scope;
        this.clock = clock;
        this.namespaces = config.secrets().namespaces().orElse(List.of());
        this.everywhere = config.tenants().enabled();
        // paced in real (monotonic) time: the rate protects the API server, whatever the service's clock says
        this.pacer = new TokenBuckets("renewals", config.kubernetes().qps(), config.kubernetes().burst(), System::nanoTime);
    }

    /** 1 on {@code pxtoken_renewal_enabled} when this replica takes part in the election for renewal. */
    void start(@Observes StartupEvent event) {
        metrics.enabled(cluster.configured() && off() == null);
    }

    @Override
    public String off() {
        return !config.renewal().enabled() ? "pxtoken.renewal.enabled=false"
                : namespaces.isEmpty() && !everywhere ? "pxtoken.secrets.namespaces is empty and pxtoken.tenants.enabled is false"
                : null;
    }

    /** How many managed Secrets this leader follows. */
    public int tracked() {
        return tracked.size();
    }

    /** Whether this replica renews now. */
    public boolean leading() {
        return leading;
    }

    /**
     * Why the renewal of this Secret fails now, as this leader saw it; null when it does not (or another replica leads).
     * A failure writes nothing to the Secret, so this is where a leader's reconcilers learn of it.
     */
    public String failure(String namespace, String name) {
        Tracked t = tracked.get(namespace + "/" + name);
        return t == null || t.failures == 0 ? null : t.lastFailure;
    }

    /**
     * A Secret the declared-token controller has just written or read: followed from now on if it is in scope (a tenant
     * Secret may reach the informer before its declaration is known).
     */
    public void follow(Secret s) {
        if (leading && ManagedSecrets.managed(s)) {
            changed(s);
        }
    }

    @Override
    public synchronized void startLeading() {
        if (leading) {
            return;
        }
        LOG.infof("Renewal: this replica leads; watching token Secrets in %s", everywhere ? "every namespace" : namespaces);
        leading = true;
        keySeen = keys.status().fingerprint();
        worker = Executors.newFixedThreadPool(WORKERS, LeaderWork.threads("token-renewal"));
        ticker = Executors.newSingleThreadScheduledExecutor(LeaderWork.threads("token-renewal-timer"));
        informers = everywhere ? watch.watchEverywhere(this::changed, this::removed)
                : watch.watch(namespaces, this::changed, this::removed);
        long tick = Math.max(10, config.renewal().tick().toMillis());
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stopLeading() {
        if (!leading) {
            return;
        }
        LOG.info("Renewal: this replica no longer leads");
        leading = false;
        try {
            informers.close();
        } catch (Exception e) {
            LOG.debugf("Closing informers: %s", e.getClass().getName());
        }
        ticker.shutdownNow();
        worker.shutdownNow();
        tracked.keySet().forEach(metrics::forget);
        tracked.clear();
        schedule.clear();
    }

    private static String key(Secret s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }

    /** A managed Secret appeared or changed: its timer is set from what it says now. */
    private void changed(Secret s) {
        String key = key(s);
        if (!scope.covers(s)) {
            removed(s);
            return;
        }
        Tracked t = tracked.computeIfAbsent(key, k -> new Tracked(s.getMetadata().getNamespace(), s.getMetadata().getName()));
        t.update(s);
        metrics.track(key, s, keys.status().fingerprint(), clock.instant());
        Instant at = dueAt(t);
        if (at != null && t.retryAt != null && at.isBefore(t.retryAt)) {
            at = t.retryAt;
        }
        reschedule(key, t, at);
    }

    private void removed(Secret s) {
        String key = key(s);
        Tracked t = tracked.remove(key);
        if (t != null && t.due != null) {
            schedule.remove(t.due);
        }
        metrics.forget(key);
    }

    /** When the Secret needs renewing: never when opted out, now when signed with another key, else its renewal-time. */
    private Instant dueAt(Tracked t) {
        if (t.optedOut) {
            return null;
        }
        String current = keys.status().fingerprint();
        if (current != null && !current.equals(t.keyFingerprint)) {
            return clock.instant();
        }
        Instant at = t.renewalTime;
        if (at == null) {
            // an unreadable or missing time: the renewer says why in an Event and leaves it alone
            return clock.instant();
        }
        return at;
    }

    private synchronized void reschedule(String key, Tracked t, Instant at) {
        if (t.due != null) {
            schedule.remove(t.due);
            t.due = null;
        }
        if (at != null) {
            t.due = new Due(at, seq.incrementAndGet(), key);
            schedule.add(t.due);
        }
    }

    /** Looks at the earliest timer only, and at the key: a rotation makes every Secret of another key due now. */
    private void tick() {
        try {
            String current = keys.status().fingerprint();
            if (current != null && !Objects.equals(current, keySeen)) {
                keySeen = current;
                LOG.infof("Renewal: the shared secret is now %s; re-signing the Secrets of other keys", current);
                tracked.forEach((key, t) -> {
                    if (!current.equals(t.keyFingerprint) && !t.optedOut) {
                        t.retryAt = null;
                        t.failures = 0;
                        reschedule(key, t, clock.instant());
                    }
                });
            }
            Instant now = clock.instant();
            Due first;
            while (leading && (first = schedule.isEmpty() ? null : schedule.first()) != null && !first.at().isAfter(now)) {
                if (!schedule.remove(first)) {
                    continue;
                }
                Tracked t = tracked.get(first.key());
                if (t == null || t.due != first) {
                    continue;
                }
                t.due = null;
                if (t.running) {
                    // the informer saw this Secret change while it was being renewed: look again after that
                    reschedule(first.key(), t, now.plusMillis(Math.max(10, config.renewal().tick().toMillis())));
                    continue;
                }
                t.running = true;
                try {
                    pacer.await(PACE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    t.running = false;
                    return;
                }
                String key = first.key();
                worker.submit(() -> renew(key, t));
            }
        } catch (RuntimeException e) {
            LOG.warnf("Renewal timer: %s", e.getClass().getName());
        }
    }

    private void renew(String key, Tracked t) {
        try {
            if (leading) {
                renewNow(key, t);
            }
        } finally {
            t.running = false;
        }
    }

    private void renewNow(String key, Tracked t) {
        Secret current;
        try {
            current = secrets.read(t.namespace, t.name).filter(ManagedSecrets::managed).orElse(null);
        } catch (RuntimeException e) {
            metrics.renewal(key, SecretRenewer.Outcome.FAILED, false);
            failed(key, t, e.getMessage());
            return;
        }
        if (current == null) {
            return;
        }
        if (!scope.covers(current)) {
            removed(current);
            return;
        }
        SecretRenewer.Result r = renewer.renew(current, t.failures == 0 ? null
                : t.failures + " failed attempt(s) before this renewal; the last: " + t.lastFailure);
        metrics.renewal(key, r.outcome(), "resigned".equals(r.reason()));
        switch (r.outcome()) {
            case RENEWED -> {
                t.failures = 0;
                t.lastFailure = null;
                t.retryAt = null;
                // the informer delivers the written Secret too; until then, the next timer comes from what was written
                t.update(r.secret());
                reschedule(key, t, dueAt(t));
            }
            case LEFT_ALONE -> {
                t.failures = 0;
                t.lastFailure = null;
                t.retryAt = null;
            }
            case FAILED -> failed(key, t, r.reason());
        }
    }

    private void failed(String key, Tracked t, String reason) {
        t.failures++;
        t.lastFailure = reason;
        Duration wait = backoff(t.failures);
        t.retryAt = clock.instant().plus(wait);
        LOG.warnf("Renewal of Secret %s failed (%s); retry in %ss", key, reason, wait.toSeconds());
        reschedule(key, t, t.retryAt);
    }

    /** 10 s, 20 s, 40 s ... at most 5 minutes (pxtoken.renewal.first-retry, max-retry-interval). */
    Duration backoff(int failures) {
        Duration first = config.renewal().firstRetry();
        Duration max = config.renewal().maxRetryInterval();
        long millis = first.toMillis() << Math.min(20, failures - 1);
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
