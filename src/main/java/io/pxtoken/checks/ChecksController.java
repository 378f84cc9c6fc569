package io.pxtoken.checks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.SecretWatch;
import io.pxtoken.kube.StorageClassEvents;
import io.pxtoken.kube.StorageObjects;
import io.pxtoken.kube.StorageObjects.StorageClassInfo;
import io.pxtoken.leader.LeaderWork;
import io.quarkus.arc.Unremovable;

/**
 * Runs the check continuously on one replica, the leader ({@link io.pxtoken.leader.LeaderElection}, the one Lease):
 * every {@code pxtoken.checks.interval}, and shortly after a StorageClass or a managed token Secret changes (informers,
 * not polling). Each run updates {@link CheckMetrics} and records a Warning Event {@value #EVENT_REASON} on each
 * StorageClass whose token will fail, naming the Secret and the verdict: once per StorageClass, Secret and verdict, and
 * counted again after {@link #EVENT_REPEAT} while it lasts (Kubernetes keeps Events for an hour). The Event's name
 * comes from the StorageClass, Secret and verdict, so a new leader counts on the Events already there.
 */
@ApplicationScoped
@Unremovable // found through Instance<LeaderWork> too
public class ChecksController implements LeaderWork {

    private static final Logger LOG = Logger.getLogger(ChecksController.class);
    public static final String EVENT_REASON = "TokenWillFail";
    static final Duration EVENT_REPEAT = Duration.ofMinutes(50);
    /** Changes that come together (an informer's first listing, a kubectl apply of many objects) make one run. */
    static final long SETTLE_MILLIS = 500;
    private static final int MAX_REASON = 400;

    /** The Event last recorded for one StorageClass and Secret. */
    private record Recorded(Verdict verdict, Instant at) {
    }

    private final PxTokenConfig config;
    private final StorageObjects storage;
    private final SecretWatch secretWatch;
    private final TokenCheck check;
    private final CheckMetrics metrics;
    private final StorageClassEvents events;
    private final Clock clock;

    private final Map<String, Recorded> recorded = new ConcurrentHashMap<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    /** One run at a time: the timer's, a change's, or a test's. */
    private final Object runs = new Object();
    private volatile boolean leading;
    private volatile List<AutoCloseable> informers = List.of();
    private ScheduledExecutorService runner;

    public ChecksController(PxTokenConfig config, StorageObjects storage,
            SecretWatch secretWatch, TokenCheck check, CheckMetrics metrics, StorageClassEvents events, Clock clock) {
        this.config = config;
        this.storage = storage;
        this.secretWatch = secretWatch;
        this.check = check;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public String off() {
        return !config.checks().continuous() ? "pxtoken.checks.continuous=false; GET /v1/checks on request only"
                : check.namespaces().isEmpty()
                        ? "no namespace to read Secrets in: pxtoken.checks.namespaces and pxtoken.secrets.namespaces are empty"
                        : null;
    }

    /** Whether this replica runs the continuous check now. */
    public boolean leading() {
        return leading;
    }

    @Override
    public synchronized void startLeading() {
        if (leading) {
            return;
        }
        LOG.infof("Token check: this replica leads; watching StorageClasses and the managed Secrets in %s", check.namespaces());
        leading = true;
        // a run scheduled by a change just before the last leadership ended died with that runner
        pending.set(false);
        runner = Executors.newSingleThreadScheduledExecutor(LeaderWork.threads("token-check"));
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            opened.add(storage.watchStorageClasses(this::changed));
            opened.add(secretWatch.watch(check.namespaces(), s -> changed(), s -> changed()));
        } catch (RuntimeException e) {
            LOG.warnf("Token check: cannot watch for changes (%s); checking every %s only", e.getMessage(),
                    config.checks().interval());
        }
        informers = opened;
        long every = Math.max(1000, config.checks().interval().toMillis());
        runner.scheduleWithFixedDelay(this::runOnce, 0, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stopLeading() {
        if (!leading) {
            return;
        }
        LOG.info("Token check: this replica no longer leads");
        leading = false;
        for (AutoCloseable c : informers) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debugf("Closing informer: %s", e.getClass().getName());
            }
        }
        informers = List.of();
        runner.shutdownNow();
        synchronized (runs) {
            metrics.clear();
            recorded.clear();
        }
    }

    /** Something watched changed: one run soon, however many changes arrive meanwhile. */
    private void changed() {
        ScheduledExecutorService r = runner;
        if (leading && r != null && pending.compareAndSet(false, true)) {
            try {
                r.schedule(() -> {
                    pending.set(false);
                    runOnce();
                }, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                pending.set(false);
            }
        }
    }

    /** One run: the metrics and Events follow its report. A run that fails changes neither. */
    void runOnce() {
        synchronized (runs) {
            if (!leading) {
                return;
            }
            TokenCheck.Run run;
            try {
                run = check.run();
            } catch (RuntimeException e) {
                metrics.failed();
                LOG.warnf("Token check failed: %s", e.getMessage());
                return;
            }
            if (!leading) {
                return;
            }
            metrics.record(run.report());
            recordEvents(run);
            metrics.succeeded(clock.instant());
        }
    }

    private void recordEvents(TokenCheck.Run run) {
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
