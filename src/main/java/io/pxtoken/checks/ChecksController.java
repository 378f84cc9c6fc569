package io.pxtoken.checks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.Caches;
import io.pxtoken.kube.SecretCaches;
import io.pxtoken.kube.StorageClassEvents;
import io.pxtoken.kube.StorageObjects;
import io.pxtoken.kube.StorageObjects.StorageClassInfo;
import io.pxtoken.leader.Controllers;
import io.pxtoken.leader.Key;
import io.pxtoken.leader.Reconciler;
import io.pxtoken.leader.Result;
import io.pxtoken.leader.WritePacing;
import io.pxtoken.renewal.RenewalScope;
import io.quarkus.arc.Unremovable;

/**
 * The continuous check, a reconciler on the leader's runtime ({@link Controllers}, under the one Lease): one key,
 * worked every {@code pxtoken.checks.interval}, and {@link #SETTLE} after a StorageClass, PersistentVolume,
 * PersistentVolumeClaim or managed token Secret changes (informers; changes that come together make one run). The
 * StorageClasses, PVs and PVCs are read from informer caches that keep only the fields the check uses; the Secrets
 * they name are read one by one. Each run updates {@link CheckMetrics} and records a Warning Event
 * {@value #EVENT_REASON} on each StorageClass whose token will fail, naming the Secret and the verdict: once per
 * StorageClass, Secret and verdict, and counted again after {@link #EVENT_REPEAT} while it lasts (Kubernetes keeps
 * Events for an hour). The Event's name comes from the StorageClass, Secret and verdict, so a new leader counts on the
 * Events already there. A run that fails is retried with the runtime's backoff.
 */
@ApplicationScoped
@Unremovable // found through Instance<Reconciler> too
public class ChecksController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(ChecksController.class);

    public static final String EVENT_REASON = "TokenWillFail";
    static final Duration EVENT_REPEAT = Duration.ofMinutes(50);
    /** Changes that come together (an informer's first listing, a kubectl apply of many objects) make one run. */
    static final Duration SETTLE = Duration.ofMillis(500);
    static final String KIND = "TokenCheck";
    /** The check's one key: every run reads every StorageClass, PV and PVC. */
    static final Key KEY = Key.cluster(KIND, "storage");
    private static final int MAX_REASON = 400;

    /** The Event last recorded for one StorageClass and Secret. */
    private record Recorded(Verdict verdict, Instant at) {
    }

    private final PxTokenConfig config;
    private final Controllers controllers;
    private final TokenCheck check;
    private final CheckMetrics metrics;
    private final StorageClassEvents events;
    private final WritePacing pacing;
    private final Clock clock;

    private final Map<String, Recorded> recorded = new ConcurrentHashMap<>();
    /** A run and the end of a leadership never overlap: a late run records no metrics for a replica that stopped. */
    private final Object runs = new Object();
    private volatile Caches.View<StorageClass> classes;
    private volatile Caches.View<PersistentVolume> volumes;
    private volatile Caches.View<PersistentVolumeClaim> claims;

    public ChecksController(PxTokenConfig config, Controllers controllers, TokenCheck check,
            CheckMetrics metrics, StorageClassEvents events, WritePacing pacing, Clock clock) {
        this.config = config;
        this.controllers = controllers;
        this.check = check;
        this.metrics = metrics;
        this.events = events;
        this.pacing = pacing;
        this.clock = clock;
    }

    @Override
    public String off() {
        return !config.checks().continuous() ? "pxtoken.checks.continuous=false; GET /v1/checks on request only"
                : check.namespaces().isEmpty()
                        ? "no namespace to read Secrets in: pxtoken.checks.namespaces and pxtoken.secrets.namespaces are empty"
                        : null;
    }

    @Override
    public Set<String> kinds() {
        return Set.of(KIND);
    }

    /** Whether this replica runs the continuous check now. */
    public boolean leading() {
        return controllers.running(this);
    }

    @Override
    public void open(Setup setup) {
        Caches.Events<Object> changed = Caches.Events.any(() -> setup.queue().addAfter(KEY, SETTLE));
        classes = setup.cache(Caches.Spec.of(StorageClass.class).trim(StorageObjects.TRIM_STORAGE_CLASS), events(changed));
        volumes = setup.cache(Caches.Spec.of(PersistentVolume.class).trim(StorageObjects.TRIM_VOLUME), events(changed));
        claims = setup.cache(Caches.Spec.of(PersistentVolumeClaim.class).trim(StorageObjects.TRIM_CLAIM), events(changed));
        // the managed Secrets' cache of renewal and declared tokens, where they follow the same namespaces
        setup.cache(SecretCaches.managed(check.namespaces(), RenewalScope.OWNER_UID), events(changed));
        LOG.infof("Token check: watching StorageClasses, PVs, PVCs and the managed Secrets in %s", check.namespaces());
        setup.queue().add(KEY);
    }

    @SuppressWarnings("unchecked")
    private static <T> Caches.Events<T> events(Caches.Events<Object> any) {
        return (Caches.Events<T>) any;
    }

    @Override
    public Result reconcile(Key key) throws InterruptedException {
        synchronized (runs) {
            if (!leading()) {
                return Result.done();
            }
            TokenCheck.Run run;
            try {
                run = check.run(classes.list().stream().map(StorageObjects::storageClass).toList(),
                        volumes.list().stream().map(StorageObjects::volume).toList(),
                        claims.list().stream().map(StorageObjects::claim).toList());
            } catch (RuntimeException e) {
                metrics.failed();
                throw e;
            }
            metrics.record(run.report());
            recordEvents(run);
            metrics.succeeded(clock.instant());
        }
        return Result.after(config.checks().interval().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : config.checks().interval());
    }

    @Override
    public void closed() {
        synchronized (runs) {
            metrics.clear();
            recorded.clear();
        }
    }

    /** One run now, out of turn (never at the same time as a worker's). */
    void runOnce() throws InterruptedException {
        controllers.reconcileNow(KEY, Duration.ofSeconds(30));
    }

    private void recordEvents(TokenCheck.Run run) throws InterruptedException {
        Map<String, StorageClassInfo> classes = run.storageClasses().stream()
                .collect(Collectors.toMap(StorageClassInfo::name, Function.identity(), (a, b) -> a));
        Instant now = clock.instant();
        Set<String> failing = new HashSet<>();
        for (CheckedSecret item : run.report().items()) {
            if (!item.verdict().fails()) {
                continue;
            }
            Set<String> done = new HashSet<>();
            for (Referrer referrer : item.referrers()) {
                StorageClassInfo sc = referrer.storageClass() == null ? null : classes.get(referrer.storageClass());
                if (sc == null || !done.add(sc.name())) {
                    continue;
                }
                String key = sc.name() + "|" + item.secret();
                failing.add(key);
                Recorded last = recorded.get(key);
                if (last != null && last.verdict() == item.verdict() && last.at().plus(EVENT_REPEAT).isAfter(now)) {
                    continue;
                }
                pacing.await();
                events.warning(sc, item.secret() + " " + item.verdict().label(), EVENT_REASON, message(item, sc.name()));
                recorded.put(key, new Recorded(item.verdict(), now));
            }
        }
        recorded.keySet().retainAll(failing);
    }

    /** The Secret, the verdict and Portworx's reason; never the token. */
    static String message(CheckedSecret item, String storageClass) {
        String params = item.referrers().stream().filter(r -> storageClass.equals(r.storageClass()))
                .map(Referrer::parameter).collect(Collectors.joining(", "));
        String reason = item.reason() == null ? "" : item.reason();
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON) + "...";
        }
        return "Portworx reads a token from Secret " + item.secret().namespace() + "/" + item.secret().name() + " (key "
                + item.secret().key() + ", " + params + "): " + item.verdict().label()
                + (reason.isEmpty() ? "" : " (" + reason + ")") + ". See GET /v1/checks";
    }
}
