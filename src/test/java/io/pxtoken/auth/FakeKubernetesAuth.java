package io.pxtoken.auth;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.pxtoken.cluster.ClusterPolicy;
import io.pxtoken.cluster.KubeUser;
import io.pxtoken.cluster.RbacAuthorizer;
import io.pxtoken.cluster.RequestAttributes;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * A stand-in for the API server's TokenReview and SubjectAccessReview: known tokens, and SubjectAccessReviews answered
 * by Kubernetes' RBAC rules ({@link RbacAuthorizer}) over the rules granted here and any RBAC objects applied (the
 * manifests of k8s/examples, a README walkthrough's bindings), counters, and a switch that takes it down.
 */
public final class FakeKubernetesAuth {

    /** A rule as in a Role: verb, API group, resource, namespace (null: cluster-wide), names (empty: all). */
    public record Rule(String verb, String group, String resource, String namespace, List<String> names) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public final Map<String, String> users = new ConcurrentHashMap<>();
    public final Map<String, List<Rule>> rules = new ConcurrentHashMap<>();
    /** Roles, ClusterRoles and bindings in the cluster besides {@link #grant}'s (Kubernetes' bootstrap roles included). */
    public final RbacAuthorizer rbac = new RbacAuthorizer(ClusterPolicy.bootstrap());
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

    /** Adds RBAC objects (Roles, ClusterRoles, bindings; other kinds are ignored) to the cluster's. */
    public void apply(List<? extends HasMetadata> objects) {
        rbac.add(objects);
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
                .withNewUser().withUsername(user).withUid("uid-" + user).withGroups(List.copyOf(KubeUser.named(user).groups())).endUser()
                .endStatus().build();
    }

    private Object accessReview(RecordedRequest request) throws Exception {
        accessReviews.incrementAndGet();
        JsonNode spec = JSON.readTree(request.getUtf8Body()).path("spec");
        JsonNode a = spec.path("resourceAttributes");
        String user = spec.path("user").asText();
        Set<String> groups = new HashSet<>();
        spec.path("groups").forEach(g -> groups.add(g.asText()));
        KubeUser who = new KubeUser(user, groups);
        RequestAttributes asked = RequestAttributes.resource(a.path("verb").asText(), a.path("group").asText(""),
                a.path("resource").asText(), a.path("subresource").asText(""), a.path("namespace").asText(""), a.path("name").asText(""));
        RbacAuthorizer granted = new RbacAuthorizer(List.of());
        rules.getOrDefault(user, List.of()).forEach(r -> granted.add(rbacObjects(user, r)));
        boolean allowed = granted.allows(who, asked) || rbac.allows(who, asked);
        return new SubjectAccessReviewBuilder().withNewStatus().withAllowed(allowed).endStatus().build();
    }

    /** A granted rule as Kubernetes holds it: a (Cluster)Role with that one rule, bound to the user or service account. */
    private static List<HasMetadata> rbacObjects(String user, Rule r) {
        String name = "granted-" + Integer.toHexString(r.hashCode());
        PolicyRule rule = new PolicyRuleBuilder().withVerbs(r.verb()).withApiGroups(r.group()).withResources(r.resource())
                .withResourceNames(r.names()).build();
        Subject subject = new SubjectBuilder().withKind("User").withName(user).build();
        RoleRef ref = new RoleRefBuilder().withApiGroup("rbac.authorization.k8s.io").withKind(r.namespace() == null ? "ClusterRole" : "Role")
                .withName(name).build();
        if (r.namespace() == null) {
            return List.of(new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().withRules(rule).build(),
                    new ClusterRoleBindingBuilder().withNewMetadata().withName(name).endMetadata().withRoleRef(ref).withSubjects(subject).build());
        }
        return List.of(new RoleBuilder().withNewMetadata().withName(name).withNamespace(r.namespace()).endMetadata().withRules(rule).build(),
                new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(r.namespace()).endMetadata().withRoleRef(ref)
                        .withSubjects(subject).build());
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
