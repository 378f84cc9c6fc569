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
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The fabric8 mock API server in CRUD mode (plain HTTP, loopback) in a process of its own, for bench/renewal-apart.sh:
 * the service runs beside it as deployed, so the service's own CPU and memory are measured apart from the server's.
 * Not a test (its name does not end in Test). Usage: {@code java -cp <test classpath> io.pxtoken.renewal.MockApiServer PORT}.
 * <p>
 * With {@code -Dmock.reviews.token=<bearer> -Dmock.reviews.user=system:serviceaccount:<ns>:<name>} it also stands in
 * for the API server's TokenReview and SubjectAccessReview (bench/http.sh): that one token is authenticated as that
 * service account (uid {@code uid-<user>}, its groups as Kubernetes gives them), any other is not; a
 * SubjectAccessReview is allowed for that user only. Reviews are counted in the 10-second totals.
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
        String reviewToken = System.getProperty("mock.reviews.token");
        String reviewUser = System.getProperty("mock.reviews.user", "system:serviceaccount:bench:minter");
        Dispatcher crud = new KubernetesCrudDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                reviewToken == null ? crud : new Reviews(crud, reviewToken, reviewUser), false);
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
                if (shape.contains("tokenreviews") || shape.contains("subjectaccessreviews")) {
                    totals.merge(shape.contains("tokenreviews") ? "reviews-token" : "reviews-access", 1L, Long::sum);
                } else if (driver) {
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

    /** TokenReview and SubjectAccessReview for one known token and its service account; the rest goes to CRUD. */
    static final class Reviews extends Dispatcher {
        private final Dispatcher inner;
        private final String token;
        private final String user;

        Reviews(Dispatcher inner, String token, String user) {
            this.inner = inner;
            this.token = token;
            this.user = user;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (!"POST".equals(request.getMethod())) {
                return inner.dispatch(request);
            }
            Object answer;
            if (path.startsWith("/apis/authentication.k8s.io/v1/tokenreviews")) {
                TokenReview asked = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
                boolean known = asked.getSpec() != null && token.equals(asked.getSpec().getToken());
                String[] parts = user.split(":");
                answer = known
                        ? new TokenReviewBuilder().withNewStatus().withAuthenticated(true).withNewUser().withUsername(user)
                                .withUid("uid-" + user).withGroups("system:serviceaccounts",
                                        "system:serviceaccounts:" + (parts.length > 2 ? parts[2] : "default"), "system:authenticated")
                                .endUser().endStatus().build()
                        : new TokenReviewBuilder().withNewStatus().withAuthenticated(false).withError("invalid bearer token")
                                .endStatus().build();
            } else if (path.startsWith("/apis/authorization.k8s.io/v1/subjectaccessreviews")) {
                SubjectAccessReview asked = Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
                boolean allowed = asked.getSpec() != null && user.equals(asked.getSpec().getUser());
                answer = new SubjectAccessReviewBuilder().withNewStatus().withAllowed(allowed).endStatus().build();
            } else {
                return inner.dispatch(request);
            }
            return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                    .setBody(Serialization.asJson(answer));
        }

        @Override
        public void shutdown() {
            inner.shutdown();
        }
    }
}
