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
                    : Set.of("secrets", "leases", "events", "pxtokens", "clusterpxtokens", "storageclasses").contains(prev)
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
        Map<String, Integer> seen = new TreeMap<>();
        long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            RecordedRequest r = server.takeRequest(100, TimeUnit.MILLISECONDS);
            if (r != null) {
                seen.merge(r.getMethod() + " " + shape(r.getPath()), 1, Integer::sum);
            }
            if (System.nanoTime() >= next) {
                next += TimeUnit.SECONDS.toNanos(10);
                if (!seen.isEmpty()) {
                    System.out.println("requests " + java.time.Instant.now() + " " + seen);
                    seen.clear();
                }
            }
        }
    }
}
