package io.pxtoken.cluster;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Makes the mock API server judge the service's own requests as a cluster running k8s/ would: every request that
 * carries the service's token ({@code %test.quarkus.kubernetes-client.token}) is mapped to RBAC attributes
 * ({@link RequestAttributes}) and checked against the service account's RBAC ({@link ClusterPolicy}, for the
 * namespaces the running test configured). A request that RBAC does not allow is answered 403 as Kubernetes answers
 * it and recorded; {@link RbacDenials} fails the test with every such request and its attributes. Requests of the
 * test itself (the mock's own client, no token) play the cluster admin and are not checked.
 * <p>
 * Use: {@code @WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)} and
 * {@code @RegisterExtension static final RbacDenials RBAC = new RbacDenials();}.
 * <p>
 * The hook: fabric8's mock keeps its dispatcher in a private field of its MockWebServer; it is wrapped by reflection
 * (fabric8 7.5.2; a failure to find it says so).
 */
public final class EnforcedRbac implements Consumer<KubernetesServer> {

    /** The bearer the service's Kubernetes client sends in tests (application.properties). */
    public static final String SERVICE_TOKEN = "px-token-service-sa-token";

    @Override
    public void accept(KubernetesServer server) {
        MockWebServer web = field(DefaultMockServer.class, "server", server.getKubernetesMockServer());
        Dispatcher inner = field(MockWebServer.class, "dispatcher", web);
        web.setDispatcher(new Checking(inner));
    }

    /** The requests of the service that RBAC refused since the last call; empties the list. */
    @SuppressWarnings("unchecked")
    public static List<String> takeDenials(KubernetesServer server) {
        MockWebServer web = field(DefaultMockServer.class, "server", server.getKubernetesMockServer());
        Object d = field(MockWebServer.class, "dispatcher", web);
        if (!(d instanceof Supplier<?> s)) {
            throw new AssertionError("the mock API server does not check RBAC: add setup = EnforcedRbac.class to @WithKubernetesTestServer");
        }
        return (List<String>) s.get();
    }

    @SuppressWarnings("unchecked")
    private static <T> T field(Class<?> type, String name, Object target) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return (T) f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("fabric8's mock server changed: no field " + type.getSimpleName() + "." + name
                    + "; find the new place of its dispatcher", e);
        }
    }

    /** How many requests of the service the mock has judged (a check that the hook is live). */
    public static int checkedRequests(KubernetesServer server) {
        MockWebServer web = field(DefaultMockServer.class, "server", server.getKubernetesMockServer());
        Object d = field(MockWebServer.class, "dispatcher", web);
        return d instanceof java.util.function.IntSupplier s ? s.getAsInt() : 0;
    }

    static final class Checking extends Dispatcher implements Supplier<List<String>>, java.util.function.IntSupplier {
        private final Dispatcher inner;
        private final java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
        private final List<String> denials = new CopyOnWriteArrayList<>();
        private final Map<List<Object>, RbacAuthorizer> policies = new ConcurrentHashMap<>();

        Checking(Dispatcher inner) {
            this.inner = inner;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String auth = request.getHeader("Authorization");
            if (auth == null || !auth.equals("Bearer " + SERVICE_TOKEN)) {
                return inner.dispatch(request);
            }
            checked.incrementAndGet();
            Deployed d = Deployed.fromConfig();
            RbacAuthorizer rbac = policies.computeIfAbsent(d.key(), k -> ClusterPolicy.forService(d.namespace, d.secrets, d.checks, d.tenants));
            KubeUser user = KubeUser.serviceAccount(d.namespace, ClusterPolicy.SERVICE_ACCOUNT);
            RequestAttributes a = RequestAttributes.of(request.getMethod(), request.getPath());
            if (rbac.allows(user, a)) {
                return inner.dispatch(request);
            }
            String type = request.getHeader("Content-Type");
            denials.add(request.getMethod() + " " + request.getPath() + (type == null ? "" : " (" + type + ")") + "\n    as " + user.name()
                    + " " + d + "\n    RBAC attributes: " + a + "\n    is not allowed by the service account's RBAC in k8s/: grant it there (kubectl auth can-i "
                    + a.toString().replace(" (cluster-wide)", "") + " --as=" + user.name() + ")");
            String what = a.resourceRequest() ? a.combinedResource() + (a.name().isEmpty() ? "" : " \"" + a.name() + "\"") : a.path();
            String message = what + " is forbidden: User \"" + user.name() + "\" cannot " + a.verb()
                    + (a.resourceRequest() ? " resource \"" + a.combinedResource() + "\" in API group \"" + a.group() + "\""
                            + (a.namespace().isEmpty() ? " at the cluster scope" : " in the namespace \"" + a.namespace() + "\"")
                            : " path \"" + a.path() + "\"");
            return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json")
                    .setBody(Serialization.asJson(new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                            .withMessage(message).build()));
        }

        @Override
        public List<String> get() {
            List<String> out = new ArrayList<>(denials);
            denials.removeAll(out);
            return out;
        }

        @Override
        public int getAsInt() {
            return checked.get();
        }

        @Override
        public void shutdown() {
            inner.shutdown();
        }
    }

    /** The deployment a test's configuration stands for. */
    record Deployed(String namespace, List<String> secrets, List<String> checks, boolean tenants) {
        static Deployed fromConfig() {
            Config c = ConfigProvider.getConfig(EnforcedRbac.class.getClassLoader());
            Function<String, List<String>> list = k -> c.getOptionalValue(k, String.class).map(v -> Arrays.stream(v.split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).toList()).orElse(null);
            String ns = c.getOptionalValue("pxtoken.leader-election.namespace", String.class)
                    .orElse(Optional.ofNullable(System.getProperty("kubernetes.namespace")).orElse("test"));
            List<String> secrets = Optional.ofNullable(list.apply("pxtoken.secrets.namespaces")).orElse(List.of());
            List<String> checks = Optional.ofNullable(list.apply("pxtoken.checks.namespaces")).orElse(secrets);
            return new Deployed(ns, secrets, checks, c.getOptionalValue("pxtoken.tenants.enabled", Boolean.class).orElse(false));
        }

        List<Object> key() {
            return List.of(namespace, secrets, checks, tenants);
        }

        @Override
        public String toString() {
            return "(service namespace " + namespace + ", PXTOKEN_SECRETS_NAMESPACES " + secrets + ", checks " + checks
                    + ", tenants " + tenants + ")";
        }
    }
}
