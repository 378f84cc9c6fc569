package io.pxtoken.declared;

import static io.pxtoken.Eventually.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pxtoken.LeaderProfile;
import io.pxtoken.QuietLogs;
import io.pxtoken.kube.ManagedSecrets;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Declared tokens at scale on the controller runtime, against the mock API server (CRUD mode): a busy namespace does
 * not starve a ClusterPxToken, LISTs do not grow with the number of PxTokens, a 200 KB annotation is not held, a spec
 * beyond the CRD's limits is refused, and a PxToken whose status write fails is retried with backoff while the others
 * proceed. Writes are paced at 50 per second so that a backlog exists.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(DeclaredScaleTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeclaredScaleTest {

    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.declared.DeclaredTokenController", "io.pxtoken.kube.TokenSecrets",
            "io.pxtoken.leader.Controllers", "io.pxtoken.kube.ResourceWatch");

    static final int TENANTS = 50;
    static final int BUSY = 500;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return LeaderProfile.sharedSecret("5".repeat(64)).namespaces("busy,quiet").tenants()
                    .with("pxtoken.renewal.first-retry", "2s")
                    .with("pxtoken.kubernetes.qps", "50")
                    .with("pxtoken.kubernetes.burst", "50")
                    .with("pxtoken.controller.workers", "4").build();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    DeclaredTokenController controller;

    static boolean setUp;

    @BeforeEach
    void crdsPolicyAndLeader() throws Exception {
        KubernetesClient client = server.getClient();
        if (!setUp) {
            setUp = true;
            io.pxtoken.ShippedDeclaredTokens.apply(client);
            for (String ns : List.of("busy", "quiet")) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            }
            parallel(TENANTS, i -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("t-" + i)
                    .addToLabels("tenant", "yes").endMetadata().build()).create());
        }
        within(Duration.ofSeconds(30), controller::leading, "this replica leads");
    }

    static PxTokenSpec spec(String name) {
        return new PxTokenSpec(name, name + "@example.com", null, List.of("system.user"), List.of("apps"), "30d", null, null, null);
    }

    PxToken declare(String namespace, String name, PxTokenSpec spec, Map<String, String> annotations) {
        PxToken t = new PxToken();
        t.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withAnnotations(annotations).build());
        t.setSpec(spec);
        return server.getClient().resource(t).create();
    }

    static Condition ready(List<Condition> conditions) {
        return conditions == null ? null : conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElse(null);
    }

    Condition readyOf(String namespace, String name) {
        PxToken t = server.getClient().resources(PxToken.class).inNamespace(namespace).withName(name).get();
        return t == null || t.getStatus() == null ? null : ready(t.getStatus().conditions());
    }

    boolean isReady(String namespace, String name) {
        Condition c = readyOf(namespace, name);
        return c != null && "True".equals(c.getStatus());
    }

    long readyIn(String namespace) {
        return server.getClient().resources(PxToken.class).inNamespace(namespace).list().getItems().stream()
                .filter(t -> t.getStatus() != null && ready(t.getStatus().conditions()) != null
                        && "True".equals(ready(t.getStatus().conditions()).getStatus()))
                .count();
    }

    @Test
    @Order(1)
    void aClusterPxTokenOverFiftyNamespacesDoesNotWaitFor500PxTokensOfOneNamespaceAndBothComplete() throws Exception {
        long started = System.nanoTime();
        parallel(BUSY, i -> declare("busy", "busy-" + i, spec("busy-" + i), null));
        ClusterPxToken c = new ClusterPxToken();
        c.setMetadata(new ObjectMetaBuilder().withName("tenants").build());
        c.setSpec(new ClusterPxTokenSpec(new LabelSelector(null, Map.of("tenant", "yes")), "tenant ${namespace}", null,
                null, List.of("system.user"), List.of("${namespace}"), "30d", null, "px-tenant", null));
        server.getClient().resource(c).create();
        within(Duration.ofSeconds(60), () -> {
            ClusterPxToken now = server.getClient().resources(ClusterPxToken.class).withName("tenants").get();
            Condition r = now.getStatus() == null ? null : ready(now.getStatus().conditions());
            return r != null && "True".equals(r.getStatus());
        }, "the ClusterPxToken Ready");
        long busyReady = readyIn("busy");
        System.out.printf("ClusterPxToken over %d namespaces Ready while %d of %d PxTokens of one namespace were%n", TENANTS,
                busyReady, BUSY);
        for (int i = 0; i < TENANTS; i++) {
            assertNotNull(server.getClient().secrets().inNamespace("t-" + i).withName("px-tenant").get(), "t-" + i);
        }
        assertTrue(busyReady < BUSY * 4 / 5, "the ClusterPxToken's Secrets did not wait for the busy namespace's backlog: "
                + busyReady + " of " + BUSY + " were Ready");
        within(Duration.ofSeconds(120), () -> readyIn("busy") == BUSY, "all " + BUSY + " PxTokens Ready");
        // every write is paced, the Secrets' as well as the statuses': 500 x 2 + 50 + 1 writes at qps 50 after a burst of
        // 50 take at least 20 s (with the Secret writes unpaced, about 10 s)
        long writes = BUSY * 2L + TENANTS + 1;
        double atLeast = (writes - 50) / 50.0;
        double took = (System.nanoTime() - started) / 1e9;
        assertTrue(took >= atLeast * 0.95, "paced: " + writes + " writes took " + took + " s; at qps 50 at least " + atLeast);
    }

    /** The LISTs (GETs of a collection, not watches) the mock received since the last call. */
    long lists() throws InterruptedException {
        long lists = 0;
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(20, TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath();
            int q = path.indexOf('?');
            String collection = q < 0 ? path : path.substring(0, q);
            boolean watch = q >= 0 && path.substring(q).contains("watch=true");
            String last = collection.substring(collection.lastIndexOf('/') + 1);
            if ("GET".equals(r.getMethod()) && !watch && List.of("secrets", "pxtokens", "clusterpxtokens", "namespaces")
                    .contains(last)) {
                lists++;
            }
        }
        return lists;
    }

    @Test
    @Order(2)
    void theListsTheApiServerReceivesStayFlatAsPxTokensAreAdded() throws Exception {
        lists();
        List<Long> perBatch = new ArrayList<>();
        int from = 0;
        for (int batch : List.of(20, 100)) {
            int first = from;
            parallel(batch, i -> declare("quiet", "flat-" + (first + i), spec("flat-" + (first + i)), null));
            for (int i = first; i < first + batch; i++) {
                int n = i;
                within(Duration.ofSeconds(60), () -> isReady("quiet", "flat-" + n), "flat-" + n + " Ready");
            }
            from += batch;
            perBatch.add(lists());
        }
        // the test itself lists nothing here (it reads each PxToken by name): every LIST would be the service's
        assertEquals(List.of(0L, 0L), perBatch, "LISTs while 20, then 100 PxTokens were reconciled");
    }

    @Test
    @Order(3)
    void aPxTokenWithA200KbAnnotationIsReconciledAndTheCacheHoldsNoneOfIt() throws Exception {
        declare("quiet", "big", spec("big"), Map.of("example.com/filler", "x".repeat(200 * 1024)));
        within(Duration.ofSeconds(30), () -> isReady("quiet", "big"), "big Ready");
        assertNotNull(server.getClient().secrets().inNamespace("quiet").withName("big").get());
        PxToken cached = controller.cached("quiet", "big");
        assertNotNull(cached);
        assertNull(cached.getMetadata().getAnnotations(), "the informer's stored copy holds none of the annotation");
        assertEquals(spec("big"), cached.getSpec());
    }

    @Test
    @Order(4)
    void aSpecBeyondTheCrdLimitsIsRefusedAndNotHeld() throws Exception {
        declare("quiet", "long-name", spec("n".repeat(100_000)), null);
        within(Duration.ofSeconds(30), () -> readyOf("quiet", "long-name") != null, "long-name has a status");
        Condition c = readyOf("quiet", "long-name");
        assertEquals("False", c.getStatus());
        assertEquals(DeclaredSecretWriter.REFUSED, c.getReason());
        assertEquals("spec.name is 100000 characters long; at most 256 (the CRD's limit)", c.getMessage());
        assertNull(controller.cached("quiet", "long-name").getSpec(), "the 100,000 characters are not held");
        assertNull(server.getClient().secrets().inNamespace("quiet").withName("long-name").get(), "nothing written");
    }

    @Test
    @Order(5)
    void aPxTokenWhoseStatusWriteFailsIsRetriedWithBackoffWhileTheOthersProceed() throws Exception {
        String status = "/apis/pxtoken.io/v1alpha1/namespaces/quiet/pxtokens/flaky/status";
        server.expect().put().withPath(status).andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd is down").build())
                .times(2);
        lists();
        declare("quiet", "flaky", spec("flaky"), null);
        parallel(20, i -> declare("quiet", "steady-" + i, spec("steady-" + i), null));
        for (int i = 0; i < 20; i++) {
            int n = i;
            within(Duration.ofSeconds(30), () -> isReady("quiet", "steady-" + n), "steady-" + n + " Ready");
        }
        assertNull(readyOf("quiet", "flaky"), "still backing off (2 s, then 4 s) while the 20 others became Ready");
        within(Duration.ofSeconds(30), () -> isReady("quiet", "flaky"), "flaky Ready after two failures");
        long attempts = 0;
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(20, TimeUnit.MILLISECONDS)) != null) {
            if ("PUT".equals(r.getMethod()) && r.getPath().startsWith(status)) {
                attempts++;
            }
        }
        assertEquals(3, attempts, "two failed status writes, then the one that passed");
        assertEquals(1, server.getClient().secrets().inNamespace("quiet").withLabel(DeclaredSecretWriter.OWNER_UID,
                server.getClient().resources(PxToken.class).inNamespace("quiet").withName("flaky").get().getMetadata().getUid())
                .list().getItems().size(), "one Secret, minted once");
        assertEquals(ManagedSecrets.APP, server.getClient().secrets().inNamespace("quiet").withName("flaky").get()
                .getMetadata().getLabels().get(ManagedSecrets.MANAGED_BY));
    }

    @Test
    @Order(6)
    void aNewPxTokenCostsTwoRequestsItsSecretsCreateAndItsStatus() throws Exception {
        int count = 20;
        lists(); // drains what came before
        parallel(count, i -> declare("quiet", "counted-" + i, spec("counted-" + i), null));
        for (int i = 0; i < count; i++) {
            int n = i;
            within(Duration.ofSeconds(30), () -> isReady("quiet", "counted-" + n), "counted-" + n + " Ready");
        }
        // the service's requests in the namespace: its Secrets (by name, or a create: the mock keeps no body, and only
        // these PxTokens are new), their status, Events; the test's own are its creates of the PxTokens and GETs of them
        Map<String, Long> byKind = new java.util.TreeMap<>();
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(20, TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath();
            boolean mine = path.contains("/pxtokens") && !path.contains("/status");
            boolean watch = path.contains("watch=true");
            if (!mine && !watch && path.contains("/namespaces/quiet/")) {
                String collection = path.replaceAll("\\?.*", "").replaceAll("counted-[0-9]+", "*");
                byKind.merge(r.getMethod() + " " + collection, 1L, Long::sum);
            }
        }
        long total = byKind.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(2.0, total / (double) count, "requests per new PxToken (create its Secret, write its status): " + byKind);
        assertEquals(Map.of("POST /api/v1/namespaces/quiet/secrets", (long) count,
                "PUT /apis/pxtoken.io/v1alpha1/namespaces/quiet/pxtokens/*/status", (long) count), byKind);
    }

    static void parallel(int count, IntConsumer each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                done.add(pool.submit(() -> each.accept(n)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
