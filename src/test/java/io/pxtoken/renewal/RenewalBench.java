package io.pxtoken.renewal;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pxtoken.TestKeys;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.UserClaims;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The renewal benchmark (bench/renewal.sh; not part of {@code verify}: its name does not end in Test). Managed
 * Secrets spread over namespaces in the fabric8 mock API server; measures the heap the leader's informers and timers
 * add, the process's CPU while idle, and the time to re-sign them all after a rotation at the configured qps.
 * Sizes from system properties: bench.secrets (10000), bench.namespaces (100), bench.qps (500).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(RenewalBench.Profile.class)
class RenewalBench {

    static final int SECRETS = Integer.getInteger("bench.secrets", 10_000);
    static final int NAMESPACES = Integer.getInteger("bench.namespaces", 100);
    static final String QPS = System.getProperty("bench.qps", "500");
    static final String FIRST = "1".repeat(64);
    static final String SECOND = "2".repeat(64);
    static Path dir;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> keys = TestKeys.profile(FIRST);
            dir = Path.of(keys.get("pxtoken.keys.dir"));
            Map<String, String> c = new HashMap<>(keys);
            c.put("pxtoken.kubernetes.enabled", "true");
            c.put("pxtoken.secrets.namespaces", IntStream.range(0, NAMESPACES).mapToObj(i -> "ns-" + i).collect(Collectors.joining(",")));
            c.put("pxtoken.renewal.enabled", "true");
            c.put("pxtoken.leader-election.namespace", "test");
            c.put("pxtoken.kubernetes.qps", QPS);
            c.put("pxtoken.kubernetes.burst", QPS);
            c.put("pxtoken.max-duration", "1y");
            c.put("quarkus.log.category.\"io.pxtoken.renewal\".level", "WARN");
            c.put("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
            return c;
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    RenewalController controller;

    @Inject
    io.pxtoken.leader.Controllers controllers;

    @Inject
    TokenIssuer issuer;

    @Inject
    MeterRegistry registry;

    /** The mock server keeps every request it received, bodies included: dropped so they do not count as ours. */
    void forgetRequests() throws InterruptedException {
        var mock = server.getKubernetesMockServer();
        while (mock.takeRequest(1, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // drain
        }
    }

    /** Live objects by class (the JVM's GC.class_histogram): class name to bytes. */
    static Map<String, Long> histogram() throws Exception {
        Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] { null }, new String[] { String[].class.getName() });
        Map<String, Long> bytes = new HashMap<>();
        for (String line : out.toString().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        return bytes;
    }

    static void printGrowth(Map<String, Long> before, Map<String, Long> after) {
        long total = after.values().stream().mapToLong(Long::longValue).sum()
                - before.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("BENCH live objects added (class histogram, after a full GC): %.1f MiB%n", total / 1048576.0);
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
                .forEach(e -> System.out.printf("BENCH   heap growth %8.1f KiB  %s%n", e.getValue() / 1024.0, e.getKey()));
    }

    static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    double resigned() {
        var c = registry.find("pxtoken_renewals_total").tag("result", "resigned").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void renewal() throws Exception {
        io.pxtoken.Eventually.within(Duration.ofSeconds(60), controller::leading, "leads");
        controllers.stopLeading();
        KubernetesClient client = server.getClient();
        long started = System.nanoTime();
        for (int i = 0; i < SECRETS; i++) {
            String ns = "ns-" + (i % NAMESPACES);
            SecretTarget target = new SecretTarget(ns, "token-" + i, "auth-token");
            IssuedToken token = issuer.issue(new UserClaims("u" + i, "u" + i + "@example.com", "u" + i + "@example.com",
                    List.of("system.user"), List.of("tenant")), TokenDuration.parse("duration", "30d"));
            client.secrets().inNamespace(ns).resource(ManagedSecrets.fresh(target, token,
                    RenewalSpec.DEFAULT.annotationsFor(token, TokenDuration.parse("duration", "30d")))).create();
        }
        System.out.printf("BENCH created %d Secrets in %d namespaces in %.1f s%n", SECRETS, NAMESPACES,
                (System.nanoTime() - started) / 1e9);

        forgetRequests();
        long before = usedHeap();
        Map<String, Long> classesBefore = histogram();
        started = System.nanoTime();
        controllers.startLeading();
        io.pxtoken.Eventually.within(Duration.ofMinutes(10), () -> controller.tracked() == SECRETS, "all Secrets followed");
        System.out.printf("BENCH informers synced %d Secrets in %.1f s%n", SECRETS, (System.nanoTime() - started) / 1e9);
        forgetRequests();
        long after = usedHeap();
        printGrowth(classesBefore, histogram());
        System.out.printf("BENCH used heap (total - free) grew by: %.1f MiB (%d -> %d bytes)%n",
                (after - before) / 1048576.0, before, after);

        // let the JIT finish with the burst of work above before idling is measured
        Thread.sleep(30_000);
        double cpu0 = cpuSeconds();
        long idle0 = System.nanoTime();
        Thread.sleep(30_000);
        double idleSeconds = (System.nanoTime() - idle0) / 1e9;
        System.out.printf("BENCH idle CPU (whole JVM: service and mock API server): %.2f%% of a core over %.0f s%n",
                100 * (cpuSeconds() - cpu0) / idleSeconds, idleSeconds);

        double resigned0 = resigned();
        started = System.nanoTime();
        TestKeys.write(dir, SECOND);
        io.pxtoken.Eventually.within(Duration.ofMinutes(30), () -> resigned() - resigned0 >= SECRETS, "all re-signed");
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("BENCH re-signed %d Secrets in %.1f s after the key file changed: %.0f per second (qps %s)%n",
                SECRETS, seconds, SECRETS / seconds, QPS);
        String fingerprint = io.pxtoken.keys.SharedSecret.fingerprint(SECOND.getBytes(StandardCharsets.UTF_8));
        long stale = IntStream.range(0, NAMESPACES).mapToLong(n -> client.secrets().inNamespace("ns-" + n).list().getItems().stream()
                .filter(s -> !fingerprint.equals(ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT))).count()).sum();
        System.out.printf("BENCH Secrets still on the old key: %d%n", stale);
    }
}
