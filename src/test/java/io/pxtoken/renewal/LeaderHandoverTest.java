package io.pxtoken.renewal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.kube.KubernetesCluster;
import io.pxtoken.kube.Leadership;
import io.pxtoken.kube.SecretWatch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Two replicas against one API server (the mock, CRUD mode, which serves Leases): one leads and renews, the other
 * waits, and when the leader stops the other takes over within 20 s (lease 15 s, renew deadline 10 s, retry 2 s: the
 * production timing).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(LeaderHandoverTest.Profile.class)
class LeaderHandoverTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "test",
                    "pxtoken.renewal.enabled", "true", "pxtoken.leader-election.namespace", "test",
                    "pxtoken.leader-election.identity", "first");
        }
    }

    @Inject
    RenewalController first;

    @Inject
    PxTokenConfig config;

    @Inject
    KubernetesCluster cluster;

    @Inject
    SecretWatch watch;

    @Inject
    Leadership leadership;

    @Inject
    SecretRenewer renewer;

    @Inject
    SharedSecretStore keys;

    @Inject
    io.pxtoken.kube.TokenSecrets secrets;

    @Inject
    RenewalMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    jakarta.enterprise.inject.Instance<LeaderWork> leaderWork;

    @Test
    void oneLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        io.pxtoken.Eventually.within(Duration.ofSeconds(30), first::leading, "the first replica leads");
        RenewalController second = new RenewalController(config, cluster, watch, leadership, renewer, secrets, keys, metrics, clock, leaderWork);
        second.run("second");
        Thread.sleep(3_000);
        assertTrue(first.leading());
        assertFalse(second.leading(), "only one replica renews");

        long stopped = System.nanoTime();
        first.stop();
        io.pxtoken.Eventually.within(Duration.ofSeconds(20), second::leading, "the second replica takes over");
        assertFalse(first.leading());
        System.out.printf("Lease handed over in %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
        second.stop();
    }
}
