package io.pxtoken.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.KubernetesCluster;
import io.pxtoken.kube.Leadership;
import io.quarkus.runtime.StartupEvent;

/**
 * One election for everything that runs on one replica only. The holder of the Lease
 * {@code pxtoken.leader-election.lease-name} (default {@code px-token-service}) runs every {@link LeaderWork} that is on
 * here; the other replicas wait for it to go. One Lease, renewed every {@code retry-period}, whatever the number of
 * works: the renewals of a Lease are most of what an idle leader does. The reconcilers run as one work, the controller
 * runtime ({@link Controllers}), whose caches share one informer per kind and namespace. Outside a cluster, or with every
 * work off,
 * nothing is elected.
 */
@ApplicationScoped
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final PxTokenConfig config;
    private final KubernetesCluster cluster;
    private final Leadership leadership;
    private final Iterable<LeaderWork> works;
    private final AtomicInteger leader = new AtomicInteger();

    private final List<LeaderWork> running = new ArrayList<>();
    private volatile boolean leading;
    private volatile CompletableFuture<?> election;
    /** Stopped for good: no more running for the Lease. */
    private volatile boolean closed;

    @Inject
    public LeaderElection(PxTokenConfig config, KubernetesCluster cluster, Leadership leadership, MeterRegistry registry,
            Instance<LeaderWork> works) {
        this(config, cluster, leadership, registry, (Iterable<LeaderWork>) works);
    }

    /** An election for the given works only: a second replica in a test. */
    public LeaderElection(PxTokenConfig config, KubernetesCluster cluster, Leadership leadership, MeterRegistry registry,
            Iterable<LeaderWork> works) {
        this.config = config;
        this.cluster = cluster;
        this.leadership = leadership;
        this.works = works;
        Gauge.builder("pxtoken_leader", leader, AtomicInteger::get)
                .description("1 on the replica that holds the Lease: it renews managed tokens, reconciles PxTokens and runs the token check")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (!cluster.configured()) {
            LOG.info("Leader election: none (no Kubernetes cluster); no renewal, declared tokens or continuous check");
            return;
        }
        startInBackground(config.leaderElection().identity().orElseGet(() -> {
            String host = System.getenv("HOSTNAME");
            return host == null || host.isBlank() ? "px-token-service-" + UUID.randomUUID() : host;
        }));
    }

    /**
     * {@link #run(String)} on a thread of its own, so that the HTTP port does not wait for it: building the Kubernetes
     * client and the elector was about 0.36 s of every start (Java 25 with the AOT cache, {@code
     * quarkus.debug.print-startup-times}: the start-up event 376 ms with a cluster, 15 ms without). Nothing the readiness
     * check judges depends on it (the shared secret), and callers that need the API server (TokenReview) get the same
     * client, built on first use if they come first.
     */
    public void startInBackground(String identity) {
        Thread t = new Thread(() -> {
            try {
                run(identity);
            } catch (RuntimeException e) {
                LOG.errorf("Leader election: could not start (%s); renewal, declared tokens and the continuous check do "
                        + "not run on this replica", e.getClass().getName());
            }
        }, "leader-election-start");
        t.setDaemon(true);
        t.start();
    }

    /** Runs for the Lease as {@code identity}, if some work is on here. */
    public void run(String identity) {
        List<String> names = new ArrayList<>();
        for (LeaderWork w : works) {
            String off = w.off();
            String name = name(w);
            if (off == null) {
                running.add(w);
                names.add(name);
            } else {
                LOG.infof("%s: off (%s)", name, off);
            }
        }
        if (running.isEmpty()) {
            return;
        }
        var le = config.leaderElection();
        String ns = le.namespace().orElseGet(leadership::defaultNamespace);
        LOG.infof("Leader election: %s run on the holder of Lease %s/%s (this replica: %s)", String.join(", ", names), ns,
                le.leaseName(), identity);
        campaign(ns, identity);
    }

    /**
     * Runs for the Lease until {@link #stop()}. fabric8's elector ends for good when a renewal fails past the renew
     * deadline (the API server slow or unreachable for that long, or another holder in the Lease): this replica then
     * runs for it again after a retry period, as a new elector, so that an API server that was down for a while does not
     * leave every replica without a leader until their pods restart (measured: an API server holding 250 MB of
     * annotations answered the Lease's GET in over 10 s, and the only replica never led again).
     */
    private void campaign(String ns, String identity) {
        if (closed) {
            return;
        }
        var le = config.leaderElection();
        Duration again = le.retryPeriod();
        CompletableFuture<?> e;
        try {
            e = leadership.run(ns, le.leaseName(), identity,
                    new Leadership.Timing(le.leaseDuration(), le.renewDeadline(), le.retryPeriod()),
                    this::startLeading, this::stopLeading);
        } catch (RuntimeException failed) {
            LOG.warnf("Leader election: could not run for the Lease (%s); again in %s s", failed.getClass().getSimpleName(),
                    again.toMillis() / 1000.0);
            campaignAfter(again, ns, identity);
            return;
        }
        election = e;
        if (closed) {
            e.cancel(true);
            return;
        }
        e.whenComplete((v, t) -> {
            if (closed) {
                return;
            }
            stopLeading();
            LOG.infof("Leader election: this replica's elector ended (%s); running for the Lease again in %s s",
                    t == null ? "the Lease was lost" : t.getClass().getSimpleName(), again.toMillis() / 1000.0);
            campaignAfter(again, ns, identity);
        });
    }

    private void campaignAfter(Duration wait, String ns, String identity) {
        CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS).execute(() -> campaign(ns, identity));
    }

    private static String name(LeaderWork w) {
        String n = w.getClass().getSimpleName();
        int proxy = n.indexOf('_');
        return proxy > 0 ? n.substring(0, proxy) : n;
    }

    /** Gives up the Lease (released, so another replica takes over at once) and stops every work. */
    @PreDestroy
    public void stop() {
        closed = true;
        CompletableFuture<?> e = election;
        if (e != null) {
            e.cancel(true);
        }
        stopLeading();
    }

    /** Whether this replica holds the Lease. */
    public boolean leading() {
        return leading;
    }

    private synchronized void startLeading() {
        if (leading) {
            return;
        }
        leading = true;
        leader.set(1);
        LOG.info("Leader election: this replica leads");
        for (LeaderWork w : running) {
            try {
                w.startLeading();
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not start (%s)", name(w), e.getClass().getName());
            }
        }
    }

    private synchronized void stopLeading() {
        if (!leading) {
            return;
        }
        leading = false;
        leader.set(0);
        LOG.info("Leader election: this replica no longer leads");
        for (LeaderWork w : running) {
            try {
                w.stopLeading();
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not stop (%s)", name(w), e.getClass().getName());
            }
        }
    }
}
