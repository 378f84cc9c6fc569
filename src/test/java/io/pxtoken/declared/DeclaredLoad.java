package io.pxtoken.declared;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pxtoken.kube.ManagedSecrets;

/**
 * The load of bench/declared-apart.sh, against the mock API server (its own process): declares PxTokens and
 * ClusterPxTokens and counts what the service made of them. It calls the API as bearer {@code driver}, so that the
 * mock tallies its requests apart from the service's. Not a test (its name does not end in Test).
 *
 * <pre>
 * java -cp &lt;test classpath&gt; io.pxtoken.declared.DeclaredLoad URL setup NAMESPACES
 * java ... DeclaredLoad URL pxtokens COUNT NAMESPACES [ANNOTATION_BYTES] [FIRST_NAMESPACE]
 * java ... DeclaredLoad URL cluster NAME LABEL       (a ClusterPxToken for the namespaces labelled LABEL=yes)
 * java ... DeclaredLoad URL ready                     (prints: PxTokens ready, PxTokens in all)
 * java ... DeclaredLoad URL secrets OWNER_NAME        (prints: Secrets of the ClusterPxToken OWNER_NAME)
 * </pre>
 */
public final class DeclaredLoad {

    private DeclaredLoad() {
    }

    public static void main(String[] args) throws Exception {
        Config config = new ConfigBuilder().withMasterUrl(args[0]).withOauthToken("driver").withRequestTimeout(60_000)
                .withNamespace("bench").build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            switch (args[1]) {
                case "setup" -> setup(client, Integer.parseInt(args[2]));
                case "pxtokens" -> pxTokens(client, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        args.length > 4 ? Integer.parseInt(args[4]) : 0, args.length > 5 ? Integer.parseInt(args[5]) : 0);
                case "cluster" -> cluster(client, args[2], args[3]);
                case "ready" -> ready(client);
                case "secrets" -> System.out.println(client.secrets().inAnyNamespace()
                        .withLabel(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).list().getItems().stream()
                        .filter(s -> s.getMetadata().getOwnerReferences() != null && s.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> o.getName().equals(args[2]) && "ClusterPxToken".equals(o.getKind())))
                        .count());
                default -> throw new IllegalArgumentException("unknown command " + args[1]);
            }
        }
        // the HTTP client's threads would hold the JVM a while longer
        System.exit(0);
    }

    /** The CRDs and the admission policy of k8s/, and the namespaces ns-0 .. ns-(n-1) (labelled tenant=yes). */
    static void setup(KubernetesClient client, int namespaces) throws Exception {
        io.pxtoken.ShippedDeclaredTokens.apply(client);
        for (String ns : List.of("bench", "default")) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                    .createOr(c -> c.update());
        }
        parallel(namespaces, i -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ns-" + i)
                .addToLabels("tenant", "yes").endMetadata().build()).createOr(c -> c.update()));
    }

    /** {@code count} PxTokens spread over {@code namespaces} namespaces from ns-{@code first}, each with an annotation. */
    static void pxTokens(KubernetesClient client, int count, int namespaces, int annotationBytes, int first) throws Exception {
        String filler = "x".repeat(annotationBytes);
        parallel(count, i -> {
            String ns = "ns-" + (first + i % namespaces);
            PxToken t = new PxToken();
            var meta = new ObjectMetaBuilder().withNamespace(ns).withName("declared-" + i);
            if (annotationBytes > 0) {
                meta.addToAnnotations("example.com/filler", filler);
            }
            t.setMetadata(meta.build());
            t.setSpec(new PxTokenSpec("user " + i, "user-" + i + "@example.com", "user-" + i + "@example.com",
                    List.of("system.user"), List.of("tenant"), "30d", null, null, null));
            client.resource(t).create();
        });
    }

    static void cluster(KubernetesClient client, String name, String label) {
        ClusterPxToken c = new ClusterPxToken();
        c.setMetadata(new ObjectMetaBuilder().withName(name).build());
        LabelSelector selector = new LabelSelector(null, Map.of(label, "yes"));
        c.setSpec(new ClusterPxTokenSpec(selector, "tenant", "tenant@example.com", "tenant@example.com", List.of("system.user"),
                List.of("tenant"), "30d", null, "px-tenant-token", null));
        client.resource(c).create();
    }

    static void ready(KubernetesClient client) {
        List<PxToken> all = client.resources(PxToken.class).inAnyNamespace().list().getItems();
        long ready = all.stream().filter(t -> t.getStatus() != null && t.getStatus().conditions() != null
                && t.getStatus().conditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .count();
        System.out.println(ready + " " + all.size());
    }

    private interface Each {
        void run(int i) throws Exception;
    }

    private static void parallel(int count, Each each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    each.run(n);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
