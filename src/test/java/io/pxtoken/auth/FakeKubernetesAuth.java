package io.pxtoken.auth;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * A stand-in for the API server's TokenReview and SubjectAccessReview: known tokens, RBAC rules matched the way
 * Kubernetes matches them (a rule without names grants every name), counters, and a switch that takes it down.
 */
public final class FakeKubernetesAuth {

    /** A rule as in a Role: verb, API group, resource, namespace (null: cluster-wide), names (empty: all). */
    public record Rule(String verb, String group, String resource, String namespace, List<String> names) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public final Map<String, String> users = new ConcurrentHashMap<>();
    public final Map<String, List<Rule>> rules = new ConcurrentHashMap<>();
    public final List<String> audiencesSeen = new CopyOnWriteArrayList<>();
    public final AtomicInteger tokenReviews = new AtomicInteger();
    public final AtomicInteger accessReviews = new AtomicInteger();
    public volatile boolean down;

    public void install(KubernetesServer server) {
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(provider(this::tokenReview)).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReply(provider(this::accessReview)).always();
    }

    /** Like {@link #install}, with an API server that takes {@code seconds} to answer each TokenReview. */
    public void installSlowReviews(KubernetesServer server, long seconds) {
        server.expect().post().delay(seconds, java.util.concurrent.TimeUnit.SECONDS)
                .withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(provider(this::tokenReview)).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReply(provider(this::accessReview)).always();
    }

    public void grant(String user, Rule... granted) {
        rules.computeIfAbsent(user, u -> new CopyOnWriteArrayList<>()).addAll(List.of(granted));
    }

    public static Rule mint(String resource, String... names) {
        return new Rule("mint", "pxtoken.io", resource, null, List.of(names));
    }

    public static Rule secrets(String verb, String namespace, String... names) {
        return new Rule(verb, "", "secrets", namespace, List.of(names));
    }

    private Object tokenReview(RecordedRequest request) throws Exception {
        tokenReviews.incrementAndGet();
        JsonNode spec = JSON.readTree(request.getUtf8Body()).path("spec");
        spec.path("audiences").forEach(a -> audiencesSeen.add(a.asText()));
        String user = users.get(spec.path("token").asText());
        if (user == null) {
            return new TokenReviewBuilder().withNewStatus().withAuthenticated(false).withError("invalid bearer token").endStatus().build();
        }
        return new TokenReviewBuilder().withNewStatus().withAuthenticated(true)
                .withNewUser().withUsername(user).withUid("uid-" + user).withGroups("system:authenticated").endUser()
                .endStatus().build();
    }

    private Object accessReview(RecordedRequest request) throws Exception {
        accessReviews.incrementAndGet();
        JsonNode spec = JSON.readTree(request.getUtf8Body()).path("spec");
        JsonNode a = spec.path("resourceAttributes");
        String user = spec.path("user").asText();
        boolean allowed = rules.getOrDefault(user, List.of()).stream().anyMatch(r -> r.verb().equals(a.path("verb").asText())
                && r.group().equals(a.path("group").asText(""))
                && r.resource().equals(a.path("resource").asText())
                && (r.namespace() == null || r.namespace().equals(a.path("namespace").asText(null)))
                && (r.names().isEmpty() || r.names().contains(a.path("name").asText(null))));
        return new SubjectAccessReviewBuilder().withNewStatus().withAllowed(allowed).endStatus().build();
    }

    private interface Handler {
        Object handle(RecordedRequest request) throws Exception;
    }

    private ResponseProvider<Object> provider(Handler handler) {
        return new ResponseProvider<>() {
            private Headers headers = Headers.builder().build();

            @Override
            public int getStatusCode(RecordedRequest request) {
                return down ? 500 : 201;
            }

            @Override
            public Object getBody(RecordedRequest request) {
                if (down) {
                    return new StatusBuilder().withCode(500).withMessage("etcd is down").build();
                }
                try {
                    return handler.handle(request);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Headers getHeaders() {
                return headers;
            }

            @Override
            public void setHeaders(Headers h) {
                headers = h;
            }
        };
    }
}
