package io.pxtoken.leader;

import static io.pxtoken.Eventually.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pxtoken.QuickLease;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.KubernetesCluster;
import io.pxtoken.kube.Leadership;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A replica that loses the Lease (its renewals failed past the renew deadline: the API server too slow, or another
 * holder in the Lease) runs for it again: fabric8's elector ends for good at that point, and before this a lone replica
 * never led again until its pod restarted (found by bench/declared-apart.sh, whose API server stalled for over 10 s).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(LeaseLostTest.Profile.class)
class LeaseLostTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // no leader work of the application itself: the test runs its own replica with the Lease timing of QuickLease
            Map<String, String> c = new HashMap<>(QuickLease.SETTINGS);
            c.put("pxtoken.kubernetes.enabled", "true");
            c.put("pxtoken.renewal.enabled", "false");
            c.put("pxtoken.checks.continuous", "false");
            return c;
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the replica makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    PxTokenConfig config;

    @Inject
    KubernetesCluster cluster;

    @Inject
    Leadership leadership;

    @Test
    void aReplicaThatLostTheLeaseRunsForItAgain() throws Exception {
        LeaderHandoverTest.Counting work = new LeaderHandoverTest.Counting();
        LeaderElection replica = new LeaderElection(config, cluster, leadership, new SimpleMeterRegistry(), List.of(work));
        replica.run("replica");
        try {
            within(Duration.ofSeconds(20), replica::leading, "the replica leads");

            // another holder writes itself into the Lease for 4 s: the replica's renewals fail, it stops leading
            var leases = server.getClient().leases().inNamespace("test");
            for (int attempt = 1;; attempt++) {
                Lease lease = leases.withName("px-token-service").get();
                lease.getSpec().setHolderIdentity("thief");
                lease.getSpec().setLeaseDurationSeconds(4);
                lease.getSpec().setRenewTime(ZonedDateTime.now());
                try {
                    leases.resource(lease).update();
                    break;
                } catch (KubernetesClientException e) {
                    // the replica renewed between our read and our write (every 200 ms): read again
                    if (e.getCode() != 409 || attempt == 50) {
                        throw e;
                    }
                }
            }
            within(Duration.ofSeconds(20), () -> !replica.leading(), "the replica lets go of a Lease it no longer holds");
            assertEquals(1, work.stopped.get(), "its work stopped");

            // the thief never renews: once its 4 s are over, the replica must lead again, without a restart
            within(Duration.ofSeconds(30), replica::leading, "the replica runs for the Lease again and wins it");
            assertEquals(2, work.started.get(), "its work started again");
            assertEquals("replica", leases.withName("px-token-service").get().getSpec().getHolderIdentity());
        } finally {
            replica.stop();
        }
        assertFalse(replica.leading());
    }
}
