package io.pxtoken.leader;

import static io.pxtoken.Eventually.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pxtoken.checks.ChecksController;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.declared.DeclaredTokenController;
import io.pxtoken.kube.KubernetesCluster;
import io.pxtoken.kube.Leadership;
import io.pxtoken.renewal.RenewalController;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Two replicas against one API server (the mock, CRUD mode, which serves Leases): one leads and runs every leader
 * work (renewal, declared tokens, the continuous check) under one Lease, the other waits, and when the leader stops
 * the other takes over within 20 s (lease 15 s, renew deadline 10 s, retry 2 s: the production timing).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(LeaderHandoverTest.Profile.class)
class LeaderHandoverTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "test",
                    "pxtoken.renewal.enabled", "true", "pxtoken.checks.continuous", "true",
                    "pxtoken.leader-election.namespace", "test", "pxtoken.leader-election.identity", "first");
        }
    }

    /** A second replica's work: counts its starts and stops. */
    static final class Counting implements LeaderWork {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();

        @Override
        public String off() {
            return null;
        }

        @Override
        public void startLeading() {
            started.incrementAndGet();
        }

        @Override
        public void stopLeading() {
            stopped.incrementAndGet();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    LeaderElection first;

    @Inject
    RenewalController renewal;

    @Inject
    DeclaredTokenController declared;

    @Inject
    ChecksController checks;

    @Inject
    PxTokenConfig config;

    @Inject
    KubernetesCluster cluster;

    @Inject
    Leadership leadership;

    @Inject
    MeterRegistry registry;

    /** The requests for Secrets of namespace test that the mock has received since the last call. */
    private List<String> secretRequests() {
        List<String> paths = new ArrayList<>();
        try {
            RecordedRequest r;
            while ((r = server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
                if (r.getPath().startsWith("/api/v1/namespaces/test/secrets?")) {
                    paths.add(r.getPath());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return paths;
    }

    @Test
    void oneLeaseForEveryLeaderWorkAndTheOtherReplicaTakesOverWhenTheLeaderStops() throws Exception {
        within(Duration.ofSeconds(30), first::leading, "the first replica leads");
        within(Duration.ofSeconds(5), () -> renewal.leading() && declared.leading() && checks.leading(),
                "renewal, declared tokens and the check run on the leader");
        var leases = server.getClient().leases().inNamespace("test").list().getItems();
        assertEquals(List.of("px-token-service"), leases.stream().map(l -> l.getMetadata().getName()).toList(),
                "one Lease for all the leader's work");
        assertEquals("first", leases.get(0).getSpec().getHolderIdentity());
        assertTrue(registry.get("pxtoken_leader").gauge().value() == 1.0);
        // the three works follow the same managed Secrets through one informer: one list, one watch
        List<String> secretWatches = new ArrayList<>();
        within(Duration.ofSeconds(10), () -> {
            secretWatches.addAll(secretRequests());
            return secretWatches.stream().anyMatch(p -> p.contains("watch=true"));
        }, "the Secrets are watched");
        Thread.sleep(1_000);
        secretWatches.addAll(secretRequests());
        assertEquals(1, secretWatches.stream().filter(p -> p.contains("watch=true")).count(), secretWatches.toString());
        assertEquals(1, secretWatches.stream().filter(p -> !p.contains("watch=true")).count(), secretWatches.toString());

        Counting work = new Counting();
        LeaderElection second = new LeaderElection(config, cluster, leadership, new SimpleMeterRegistry(), List.of(work));
        second.run("second");
        Thread.sleep(3_000);
        assertTrue(first.leading());
        assertFalse(second.leading(), "only one replica leads");
        assertEquals(0, work.started.get());

        long stopped = System.nanoTime();
        first.stop();
        assertFalse(renewal.leading() || declared.leading() || checks.leading(), "the old leader stops all its work");
        assertTrue(registry.get("pxtoken_leader").gauge().value() == 0.0);
        within(Duration.ofSeconds(20), second::leading, "the second replica takes over");
        assertEquals(1, work.started.get());
        System.out.printf("Lease handed over in %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
        second.stop();
        assertEquals(1, work.stopped.get());
    }
}
