package io.pxtoken.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.pxtoken.Eventually;

/** Informer caches against fabric8's CRUD mock API server (no Quarkus): what the store keeps, and the indexes. */
class CachesTest {

    static final String BIG = "example.com/last-applied";
    /** What the service reads of a managed Secret: its pxtoken.io/ annotations and labels. */
    static final UnaryOperator<Secret> TRIM = s -> {
        Trim.metadata(s, Trim.prefixed("pxtoken.io/", ManagedSecrets.MANAGED_BY), Trim.prefixed("pxtoken.io/"));
        s.setData(null);
        return s;
    };

    KubernetesMockServer server;
    KubernetesClient client;
    Caches caches;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        caches = new Caches(() -> client);
    }

    @AfterEach
    void stop() {
        caches.close();
        client.close();
        server.destroy();
    }

    static Secret secret(String ns, String name, String owner, int annotationBytes) {
        return new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .addToLabels(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).addToLabels("team", "storage")
                .addToAnnotations(ManagedSecrets.RENEWAL_TIME, "2030-01-01T00:00:00Z")
                .addToAnnotations(BIG, "x".repeat(annotationBytes))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Apply").build())
                .addNewOwnerReference().withApiVersion("pxtoken.io/v1").withKind("PxToken").withName(name).withUid(owner)
                .endOwnerReference()
                .endMetadata()
                .addToData("auth-token", Base64.getEncoder().encodeToString("t".getBytes(StandardCharsets.UTF_8))).build();
    }

    @Test
    void theStoreKeepsNoneOfA200KbAnnotationAndTheHandlersSeeWhatItKeeps() throws Exception {
        client.secrets().inNamespace("apps").resource(secret("apps", "big", "uid-1", 200 * 1024)).create();
        List<Secret> seen = new CopyOnWriteArrayList<>();
        Caches.View<Secret> view = caches.open(Caches.Spec.of(Secret.class).in(List.of("apps"))
                .labelled(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).trim(TRIM).indexByOwner(), new Caches.Events<>() {
                    @Override
                    public void changed(Secret s) {
                        seen.add(s);
                    }

                    @Override
                    public void removed(Secret s) {
                    }
                });
        caches.start();
        Eventually.within(Duration.ofSeconds(10), view::synced, "listed");
        Secret kept = view.get("apps", "big");
        assertFalse(kept.getMetadata().getAnnotations().containsKey(BIG), "the 200 KB annotation is not held");
        assertEquals(Map.of(ManagedSecrets.RENEWAL_TIME, "2030-01-01T00:00:00Z"), kept.getMetadata().getAnnotations());
        assertEquals(Map.of(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP), kept.getMetadata().getLabels());
        assertNull(kept.getMetadata().getManagedFields());
        assertNull(kept.getData(), "the token is not held either");
        assertTrue(kept.toString().length() < 2_000, kept.toString().length() + " characters held");
        Eventually.within(Duration.ofSeconds(10), () -> !seen.isEmpty(), "told");
        assertFalse(seen.get(0).getMetadata().getAnnotations().containsKey(BIG), "the handlers get the trimmed object");

        // a change that comes through the watch is trimmed too
        Secret changed = secret("apps", "big", "uid-1", 250 * 1024);
        changed.getMetadata().getAnnotations().put(ManagedSecrets.RENEWAL_TIME, "2031-01-01T00:00:00Z");
        client.secrets().inNamespace("apps").resource(changed).update();
        Eventually.within(Duration.ofSeconds(10), () -> "2031-01-01T00:00:00Z".equals(
                view.get("apps", "big").getMetadata().getAnnotations().get(ManagedSecrets.RENEWAL_TIME)), "watched");
        assertFalse(view.get("apps", "big").getMetadata().getAnnotations().containsKey(BIG));
    }

    @Test
    void indexesAnswerWhichObjectsWithoutAList() throws Exception {
        client.secrets().inNamespace("apps").resource(secret("apps", "a", "owner-1", 10)).create();
        client.secrets().inNamespace("apps").resource(secret("apps", "b", "owner-2", 10)).create();
        client.secrets().inNamespace("db").resource(secret("db", "c", "owner-1", 10)).create();
        Caches.View<Secret> view = caches.open(Caches.Spec.of(Secret.class).labelled(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP)
                .trim(TRIM).indexByOwner().indexByLabel(ManagedSecrets.MANAGED_BY).indexByLabel("team"), null);
        caches.start();
        Eventually.within(Duration.ofSeconds(10), view::synced, "listed");
        assertEquals(List.of("apps/a", "db/c"), names(view.byIndex(Caches.BY_OWNER, "owner-1")));
        assertEquals(List.of("apps/a", "apps/b"), names(view.byIndex(Caches.BY_NAMESPACE, "apps")));
        assertEquals(3, view.byIndex(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).size());
        assertEquals(0, view.byIndex("team", "storage").size(), "indexes see what the trim keeps, nothing else");
    }

    @Test
    void cachesOfTheSameObjectsShareOneInformer() throws Exception {
        Caches.View<Secret> one = caches.open(Caches.Spec.of(Secret.class).in(List.of("apps"))
                .labelled(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).trim(TRIM), null);
        Caches.View<Secret> two = caches.open(Caches.Spec.of(Secret.class).in(List.of("apps"))
                .labelled(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).trim(TRIM).indexByOwner(), null);
        caches.start();
        Eventually.within(Duration.ofSeconds(10), () -> one.synced() && two.synced(), "listed");
        long[] seen = new long[2];
        Eventually.within(Duration.ofSeconds(10), () -> {
            List<Long> l = lists();
            seen[0] += l.get(0);
            seen[1] += l.get(1);
            return seen[1] > 0;
        }, "watched");
        assertEquals(1, seen[0], "one list for both");
        assertEquals(1, seen[1], "one watch for both");
        client.secrets().inNamespace("apps").resource(secret("apps", "a", "owner-1", 10)).create();
        Eventually.within(Duration.ofSeconds(10), () -> one.get("apps", "a") != null && two.get("apps", "a") != null, "seen");
        assertEquals(1, two.byIndex(Caches.BY_OWNER, "owner-1").size(), "the second's index was added to the shared informer");
        assertEquals(List.of(0L, 0L), lists(), "a new object costs no list");
    }

    /** The lists and the watches of Secrets the mock received since the last call. */
    private List<Long> lists() {
        long lists = 0;
        long watches = 0;
        for (var r = take(); r != null; r = take()) {
            if ("GET".equals(r.getMethod()) && r.getPath().startsWith("/api/v1/namespaces/apps/secrets?")) {
                if (r.getPath().contains("watch=true")) {
                    watches++;
                } else {
                    lists++;
                }
            }
        }
        return List.of(lists, watches);
    }

    private io.fabric8.mockwebserver.http.RecordedRequest take() {
        try {
            return server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> names(List<Secret> secrets) {
        return secrets.stream().map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()).sorted().toList();
    }
}
