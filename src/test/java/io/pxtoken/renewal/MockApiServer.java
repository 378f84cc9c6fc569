package io.pxtoken.renewal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The fabric8 mock API server in CRUD mode (plain HTTP, loopback) in a process of its own, for bench/renewal-apart.sh:
 * the service runs beside it as deployed, so the service's own CPU and memory are measured apart from the server's.
 * Not a test (its name does not end in Test). Usage: {@code java -cp <test classpath> io.pxtoken.renewal.MockApiServer PORT}.
 */
public final class MockApiServer {

    private MockApiServer() {
    }

    /** /api/v1/namespaces/ns-7/secrets/token-7?watch=true -> /api/v1/namespaces/{ns}/secrets/{name}?watch */
    static String shape(String path) {
        int q = path.indexOf('?');
        String query = q < 0 ? "" : path.substring(q + 1).contains("watch=true") ? "?watch" : "?list";
        String[] parts = (q < 0 ? path : path.substring(0, q)).split("/");
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            String prev = parts[i - 1];
            b.append('/').append(prev.equals("namespaces") ? "{ns}"
                    : Set.of("secrets", "leases", "events", "pxtokens", "clusterpxtokens", "storageclasses",
                            "validatingadmissionpolicies", "validatingadmissionpolicybindings").contains(prev) && !parts[i].isEmpty()
                            ? "{name}" : parts[i]);
        }
        return b + query;
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        System.out.println("mock API server on http://127.0.0.1:" + port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        // the mock keeps every request it received: take them, and print what came every 10 s (method, path shape)
        // a load driver calling as bearer "driver" (bench/declared-apart.sh) is tallied apart from the service; the
        // service's totals since the start come every 10 s too: requests (leases apart), lists, writes, watches
        Map<String, Integer> seen = new TreeMap<>();
        Map<String, Long> totals = new TreeMap<>(Map.of("service", 0L, "service-lists", 0L, "service-writes", 0L,
                "service-watches", 0L, "service-leases", 0L, "driver", 0L));
        long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            RecordedRequest r = server.takeRequest(100, TimeUnit.MILLISECONDS);
            if (r != null) {
                boolean driver = "Bearer driver".equals(r.getHeader("Authorization"));
                String shape = shape(r.getPath());
                seen.merge((driver ? "driver " : "") + r.getMethod() + " " + shape, 1, Integer::sum);
                if (driver) {
                    totals.merge("driver", 1L, Long::sum);
                } else if (shape.contains("/leases")) {
                    totals.merge("service-leases", 1L, Long::sum);
                } else if (shape.endsWith("?watch")) {
                    totals.merge("service-watches", 1L, Long::sum);
                } else {
                    totals.merge("service", 1L, Long::sum);
                    if ("GET".equals(r.getMethod()) && shape.endsWith("?list")) {
                        totals.merge("service-lists", 1L, Long::sum);
                    } else if (!"GET".equals(r.getMethod())) {
                        totals.merge("service-writes", 1L, Long::sum);
                    }
                }
            }
            if (System.nanoTime() >= next) {
                next += TimeUnit.SECONDS.toNanos(10);
                if (!seen.isEmpty()) {
                    System.out.println("requests " + java.time.Instant.now() + " " + seen);
                    seen.clear();
                }
                StringBuilder line = new StringBuilder("totals " + java.time.Instant.now());
                totals.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
                System.out.println(line);
            }
        }
    }
}
