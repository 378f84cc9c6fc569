package io.pxtoken.kube;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/** One leader among the replicas, through a Kubernetes Lease and the fabric8 client's leader election. */
@ApplicationScoped
public class Leadership {

    /** The Lease's timing. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    }

    private final KubernetesCluster cluster;

    public Leadership(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    /** The namespace the client runs in (the pod's, in a cluster). */
    public String defaultNamespace() {
        String ns = cluster.client().getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }

    /**
     * Runs for leadership until the returned future is cancelled.
     *
     * @param identity this replica's name in the Lease (its pod name)
     */
    public CompletableFuture<?> run(String namespace, String lease, String identity, Timing timing, Runnable started,
            Runnable stopped) {
        var config = new LeaderElectionConfigBuilder()
                .withName(lease)
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(started, stopped, leader -> {
                }))
                .build();
        return cluster.client().leaderElector().withConfig(config).build().start();
    }
}
