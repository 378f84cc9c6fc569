package io.pxtoken.renewal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.KubernetesCluster;
import io.pxtoken.kube.Caches;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretCaches;
import io.pxtoken.leader.Controllers;
import io.pxtoken.leader.Key;
import io.pxtoken.leader.Reconciler;
import io.pxtoken.leader.Result;
import io.pxtoken.leader.WorkQueue;
import io.pxtoken.leader.WritePacing;
import io.pxtoken.kube.TokenSecrets;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps every managed token valid: a reconciler on the leader's runtime ({@link Controllers}, under the one Lease). It
 * follows the managed Secrets through the leader's shared cache (a few annotations each, never the token) and keeps
 * one timer per Secret, by the service's clock: at its {@code renewal-time} annotation, now when it was signed with a
 * key other than the current one, later after a failure (10 s, doubling, at most 5 minutes). Each
 * {@code pxtoken.renewal.tick} the schedule's key looks at the earliest timer and at the key; a Secret due is queued
 * and renewed by one of the runtime's workers (never two on one Secret), its writes paced by {@link WritePacing}. All
 * state is on the Secrets, so a new leader, or a restart, carries on where the last one stopped and renews nothing
 * early.
 */
@ApplicationScoped
@Unremovable // found through Instance<Reconciler> too
public class RenewalController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(RenewalController.class);

    /** A Secret's place in the schedule. */
    private record Due(Instant at, long seq, String key) {
    }

    /** What the schedule knows of one Secret: a few fields, never the Secret (its token is read when it is renewed). */
    private static final class Tracked {
        /** Its key in {@code tracked}: the one copy the schedule and the metrics hold too. */
        final String key;
        final String namespace;
        final String name;
        volatile String keyFingerprint;
        volatile Instant renewalTime;
        volatile boolean optedOut;
        volatile Due due;
        volatile int failures;
        volatile Instant retryAt;
        /** Why the last renewal failed, while it fails; the next success records it on the Secret. */
        volatile String lastFailure;
        /** The key of the declaration that owns the Secret (its status reports a failing renewal), or null. */
        volatile Key owner;

        Tracked(String key, String namespace, String name) {
            this.key = key;
            this.namespace = namespace;
            this.name = name;
        }

        void update(Secret s) {
            keyFingerprint = ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT);
            renewalTime = ManagedSecrets.instantAnnotation(s, ManagedSecrets.RENEWAL_TIME);
            optedOut = "false".equals(ManagedSecrets.annotation(s, ManagedSecrets.RENEW));
            owner = s.getMetadata().getOwnerReferences() == null ? null : s.getMetadata().getOwnerReferences().stream()
                    .filter(r -> Boolean.TRUE.equals(r.getController()) && r.getName() != null)
                    .map(r -> "PxToken".equals(r.getKind()) ? new Key("PxToken", namespace, r.getName())
                            : "ClusterPxToken".equals(r.getKind()) ? Key.cluster("ClusterPxToken", r.getName()) : null)
                    .filter(Objects::nonNull).findFirst().orElse(null);
        }
    }

    /** The kind of the keys of managed Secrets. */
    static final String SECRET = "Secret";
    /** The one key of the schedule: looked at every {@code pxtoken.renewal.tick}. */
    static final Key SCHEDULE = Key.cluster("RenewalSchedule", "schedule");

    private final PxTokenConfig config;
    private final KubernetesCluster cluster;
    private final Controllers controllers;
    private final WritePacing pacing;
    private final SecretRenewer renewer;
    private final TokenSecrets secrets;
    private final ManagedAlgorithm managed;
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
    private volatile String keySeen;
    /** The runtime's queue while this replica leads. */
    private volatile WorkQueue queue;

    public RenewalController(PxTokenConfig config, KubernetesCluster cluster, Controllers controllers, WritePacing pacing,
            SecretRenewer renewer, TokenSecrets secrets, ManagedAlgorithm managed, RenewalMetrics metrics, RenewalScope scope,
            Clock clock) {
        this.secrets = secrets;
        this.config = config;
        this.cluster = cluster;
        this.controllers = controllers;
        this.pacing = pacing;
        this.renewer = renewer;
        this.managed = managed;
        this.metrics = metrics;
        this.scope = scope;
        this.clock = clock;
        this.namespaces = config.secrets().namespaces().orElse(List.of());
        this.everywhere = config.tenants().enabled();
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
        return queue != null && controllers.running(this);
    }

    @Override
    public Set<String> kinds() {
        return Set.of(SECRET, SCHEDULE.kind());
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
        if (queue != null && ManagedSecrets.managed(s)) {
            changed(s);
        }
    }

    @Override
    public void open(Setup setup) {
        LOG.infof("Renewal: this replica leads; watching token Secrets in %s", everywhere ? "every namespace" : namespaces);
        keySeen = managed.fingerprint();
        setup.cache(SecretCaches.managed(everywhere ? null : namespaces, RenewalScope.OWNER_UID), new Caches.Events<>() {
            @Override
            public void changed(Secret s) {
                RenewalController.this.changed(s);
            }

            @Override
            public void removed(Secret s) {
                RenewalController.this.removed(s);
            }
        });
        queue = setup.queue();
        queue.add(SCHEDULE);
    }

    @Override
    public void closed() {
        LOG.info("Renewal: this replica no longer leads");
        queue = null;
        tracked.keySet().forEach(metrics::forget);
        tracked.clear();
        schedule.clear();
    }

    @Override
    public Result reconcile(Key key) throws InterruptedException {
        if (key.equals(SCHEDULE)) {
            tick();
            return Result.after(Duration.ofMillis(Math.max(10, config.renewal().tick().toMillis())));
        }
        String k = key.namespace() + "/" + key.name();
        Tracked t = tracked.get(k);
        if (t != null && queue != null) {
            // paced in real (monotonic) time: the rate protects the API server, whatever the service's clock says
            pacing.await();
            renewNow(k, t);
        }
        return Result.done();
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
        Tracked t = tracked.computeIfAbsent(key, k -> new Tracked(k, s.getMetadata().getNamespace(), s.getMetadata().getName()));
        t.update(s);
        metrics.track(t.key, s, managed.fingerprint(), clock.instant());
        Instant at = dueAt(t);
        if (at != null && t.retryAt != null && at.isBefore(t.retryAt)) {
            at = t.retryAt;
        }
        reschedule(t.key, t, at);
    }

    private void removed(Secret s) {
        String key = key(s);
        Tracked t = tracked.remove(key);
        if (t != null && t.due != null) {
            schedule.remove(t.due);
        }
        metrics.forget(key);
    }

    /** When the Secret needs renewing: never when opted out, now when the bridge says re-sign, else its renewal-time. */
    private Instant dueAt(Tracked t) {
        if (t.optedOut) {
            return null;
        }
        String current = managed.fingerprint();
        if (ManagedAlgorithm.needsResigning(t.keyFingerprint, current)) {
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
            String current = managed.fingerprint();
            if (current != null && !Objects.equals(current, keySeen)) {
                keySeen = current;
                LOG.infof("Renewal: managed tokens are now %s with key %s; re-signing the Secrets of other keys",
                        managed.algorithm(), current);
                tracked.forEach((key, t) -> {
                    if (ManagedAlgorithm.needsResigning(t.keyFingerprint, current) && !t.optedOut) {
                        t.retryAt = null;
                        t.failures = 0;
                        reschedule(key, t, clock.instant());
                    }
                });
            }
            Instant now = clock.instant();
            Due first;
            WorkQueue q = queue;
            while (q != null && (first = schedule.isEmpty() ? null : schedule.first()) != null && !first.at().isAfter(now)) {
                if (!schedule.remove(first)) {
                    continue;
                }
                Tracked t = tracked.get(first.key());
                if (t == null || t.due != first) {
                    continue;
                }
                t.due = null;
                // one worker per key: a Secret that changes while it is renewed is looked at again after that renewal
                q.add(new Key(SECRET, t.namespace, t.name));
            }
        } catch (RuntimeException e) {
            LOG.warnf("Renewal timer: %s", e.getClass().getName());
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
        // a failure writes nothing to the Secret: its declaration hears of it from here
        WorkQueue q = queue;
        if (q != null && t.owner != null) {
            q.add(t.owner);
        }
    }

    /** 10 s, 20 s, 40 s ... at most 5 minutes (pxtoken.renewal.first-retry, max-retry-interval). */
    Duration backoff(int failures) {
        Duration first = config.renewal().firstRetry();
        Duration max = config.renewal().maxRetryInterval();
        long millis = first.toMillis() << Math.min(20, failures - 1);
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
