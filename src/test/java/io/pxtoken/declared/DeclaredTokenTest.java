package io.pxtoken.declared;

import static io.pxtoken.Eventually.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pxtoken.LeaderProfile;
import io.pxtoken.QuietLogs;
import io.pxtoken.TestKeys;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.renewal.RenewalController;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.Verification;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * PxTokens and ClusterPxTokens against the mock API server (CRUD mode, with watches; the CRDs of k8s/crds are
 * created in it, so status is a subresource and generation moves with the spec). The leader's controller does the
 * work; the test only waits (bounded) for what it should see.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(DeclaredTokenTest.Profile.class)
class DeclaredTokenTest {

    /** Refused and conflicting declarations are logged at INFO/WARN on purpose. */
    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.declared.DeclaredTokenController", "io.pxtoken.kube.TokenSecrets");

    static final String FIRST = "1".repeat(64);
    static final String SECOND = "2".repeat(64);
    static Path dir;
    static volatile String key = FIRST;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            LeaderProfile profile = LeaderProfile.sharedSecret(FIRST).namespaces("test").tenants().tick("50ms");
            dir = profile.keysDir();
            return profile.build();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    RenewalController renewal;

    @Inject
    DeclaredTokenController controller;

    @Inject
    TokenVerifier verifier;

    @BeforeEach
    void crdsAndLeader() throws Exception {
        KubernetesClient client = server.getClient();
        io.pxtoken.ShippedDeclaredTokens.apply(client);
        within(Duration.ofSeconds(30), () -> renewal.leading() && controller.leading(), "this replica leads");
    }

    private KubernetesClient client() {
        return server.getClient();
    }

    private Secret secret(String namespace, String name) {
        return client().secrets().inNamespace(namespace).withName(name).get();
    }

    private PxToken pxToken(String namespace, String name) {
        return client().resources(PxToken.class).inNamespace(namespace).withName(name).get();
    }

    private ClusterPxToken clusterToken(String name) {
        return client().resources(ClusterPxToken.class).withName(name).get();
    }

    private static PxTokenSpec spec(String sub, List<String> roles, List<String> groups, String secretName) {
        return new PxTokenSpec("Declared User", "d@example.com", sub, roles, groups, "1h", null, secretName, null);
    }

    private PxToken declare(String namespace, String name, PxTokenSpec spec) {
        PxToken t = new PxToken();
        t.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        t.setSpec(spec);
        return client().resource(t).create();
    }

    private static Condition ready(HasStatus s) {
        return s.conditions() == null ? null
                : s.conditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElse(null);
    }

    private interface HasStatus {
        List<Condition> conditions();
    }

    private Condition readyOf(String namespace, String name) {
        PxToken t = pxToken(namespace, name);
        return t == null || t.getStatus() == null ? null : ready(() -> t.getStatus().conditions());
    }

    private Condition awaitReady(String namespace, String name, String status, String reason) throws InterruptedException {
        within(Duration.ofSeconds(20), () -> {
            Condition c = readyOf(namespace, name);
            return c != null && c.getStatus().equals(status) && c.getReason().equals(reason);
        }, "PxToken " + namespace + "/" + name + " Ready=" + status + " " + reason + " (now: " + readyOf(namespace, name) + ")");
        return readyOf(namespace, name);
    }

    private Verification verified(Secret s) {
        Verification v = verifier.verify(ManagedSecrets.token(s));
        assertEquals("valid", v.result(), "the stored token verifies as Portworx would: " + v.reason());
        TestKeys.verified(ManagedSecrets.token(s), key.getBytes(StandardCharsets.UTF_8));
        return v;
    }

    @Test
    void aPxTokenBecomesReadyWithItsOwnedSecretAndATokenThatVerifies() throws Exception {
        PxToken declared = declare("test", "kube-user", spec("kubernetes@example.com", List.of("system.user"), List.of("kubernetes"), null));
        Condition c = awaitReady("test", "kube-user", "True", "Issued");

        Secret s = secret("test", "kube-user");
        assertNotNull(s, "the Secret is named after the PxToken by default");
        assertTrue(ManagedSecrets.managed(s));
        OwnerReference owner = s.getMetadata().getOwnerReferences().get(0);
        assertEquals("PxToken", owner.getKind());
        assertEquals("pxtoken.io/v1alpha1", owner.getApiVersion());
        assertEquals(declared.getMetadata().getUid(), owner.getUid());
        assertEquals(Boolean.TRUE, owner.getController());
        assertNotNull(s.getData().get("auth-token"), "key auth-token, where Portworx reads it");

        Verification v = verified(s);
        assertEquals("kubernetes@example.com", v.claims().get("sub"));
        assertEquals(List.of("system.user"), v.claims().get("roles"));
        assertEquals(List.of("kubernetes"), v.claims().get("groups"));
        assertEquals(3600L, ((Number) v.claims().get("exp")).longValue() - Instant.now().getEpochSecond(), 60.0);

        PxTokenStatus status = pxToken("test", "kube-user").getStatus();
        assertEquals("kube-user", status.secretName());
        assertEquals(ManagedSecrets.annotation(s, ManagedSecrets.JTI), status.jti());
        assertEquals(v.claims().get("jti"), status.jti());
        assertEquals(ManagedSecrets.annotation(s, ManagedSecrets.EXPIRES_AT), status.expiresAt());
        assertEquals(ManagedSecrets.annotation(s, ManagedSecrets.RENEWAL_TIME), status.renewalTime());
        assertEquals(SharedSecret.fingerprint(key.getBytes(StandardCharsets.UTF_8)), status.keyFingerprint());
        assertEquals(pxToken("test", "kube-user").getMetadata().getGeneration(), status.observedGeneration());
        assertTrue(c.getMessage().contains("test/kube-user"), c.getMessage());
    }

    @Test
    void aSpecChangeMintsAgainAtOnce() throws Exception {
        declare("test", "changing", spec("c@example.com", List.of("system.user"), List.of("a"), null));
        awaitReady("test", "changing", "True", "Issued");
        String jti = pxToken("test", "changing").getStatus().jti();
        Long generation = pxToken("test", "changing").getMetadata().getGeneration();

        PxToken t = pxToken("test", "changing");
        t.setSpec(spec("c@example.com", List.of("system.view"), List.of("a", "b"), null));
        client().resource(t).update();
        within(Duration.ofSeconds(20), () -> !jti.equals(ManagedSecrets.annotation(secret("test", "changing"), ManagedSecrets.JTI)),
                "minted again");
        Verification v = verified(secret("test", "changing"));
        assertEquals(List.of("system.view"), v.claims().get("roles"));
        assertEquals(List.of("a", "b"), v.claims().get("groups"));
        within(Duration.ofSeconds(20), () -> v.claims().get("jti").equals(pxToken("test", "changing").getStatus().jti()), "status follows");
        assertTrue(pxToken("test", "changing").getMetadata().getGeneration() > generation);
        assertEquals(pxToken("test", "changing").getMetadata().getGeneration(), pxToken("test", "changing").getStatus().observedGeneration());

        // a new secretName: the token moves, the old Secret the PxToken owned goes
        t = pxToken("test", "changing");
        t.setSpec(spec("c@example.com", List.of("system.view"), List.of("a", "b"), "moved"));
        client().resource(t).update();
        within(Duration.ofSeconds(20), () -> secret("test", "moved") != null && secret("test", "changing") == null, "moved");
        verified(secret("test", "moved"));
    }

    @Test
    void aSecretChangedByHandBringsItsDeclarationBackThroughItsOwnerReferenceOrWithoutIt() throws Exception {
        declare("test", "edited", spec("e@example.com", List.of("system.user"), null, null));
        awaitReady("test", "edited", "True", "Issued");
        String uid = secret("test", "edited").getMetadata().getUid();
        // deleted: its controller reference names the PxToken, which writes it again (no index by uid is kept)
        client().secrets().inNamespace("test").withName("edited").delete();
        within(Duration.ofSeconds(20), () -> secret("test", "edited") != null && !uid.equals(secret("test", "edited").getMetadata().getUid()),
                "written again");
        awaitReady("test", "edited", "True", "Issued");
        verified(secret("test", "edited"));
        // its owner references removed by hand (the owner label left): the declaration of that uid is found all the same,
        // and sees a Secret it no longer controls
        client().secrets().inNamespace("test").withName("edited").edit(x -> new SecretBuilder(x).editMetadata()
                .withOwnerReferences(List.of()).endMetadata().build());
        awaitReady("test", "edited", "False", "SecretConflict");
    }

    @Test
    void aRoleOutsideTheAllowedOnesIsRefused() throws Exception {
        declare("test", "guest", spec("g@example.com", List.of("system.guest"), null, null));
        Condition c = awaitReady("test", "guest", "False", "Refused");
        assertTrue(c.getMessage().contains("system.guest"), c.getMessage());
        assertNull(secret("test", "guest"), "nothing written");

        declare("test", "too-long", new PxTokenSpec("Long", "", "l@example.com", List.of("system.user"), null, "2y", null, null, null));
        c = awaitReady("test", "too-long", "False", "Refused");
        assertTrue(c.getMessage().contains("pxtoken.max-duration"), c.getMessage());

        declare("test", "renews-always", new PxTokenSpec("Always", "", "a@example.com", List.of("system.user"), null, "1h", "1h", null, null));
        c = awaitReady("test", "renews-always", "False", "Refused");
        assertTrue(c.getMessage().contains("spec.renewBefore") && c.getMessage().contains("is not shorter than the duration"),
                c.getMessage());
        assertNull(secret("test", "renews-always"), "nothing written");

        declare("elsewhere", "outside", spec("o@example.com", List.of("system.user"), null, null));
        c = awaitReady("elsewhere", "outside", "False", "Refused");
        assertTrue(c.getMessage().contains("pxtoken.secrets.namespaces"), c.getMessage());
        assertNull(secret("elsewhere", "outside"));
    }

    @Test
    void aForeignSecretIsAConflictAndLeftUntouched() throws Exception {
        String data = Base64.getEncoder().encodeToString("someone else's".getBytes(StandardCharsets.UTF_8));
        Secret foreign = client().secrets().inNamespace("test").resource(new SecretBuilder()
                .withNewMetadata().withName("foreign").withNamespace("test").addToLabels("app", "theirs")
                .addToAnnotations("note", "not yours").endMetadata()
                .withData(Map.of("auth-token", data)).build()).create();
        String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(foreign);
        while (server.getKubernetesMockServer().takeRequest(20, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // drain: only the requests about the declaration count below
        }
        declare("test", "claims-foreign", spec("f@example.com", List.of("system.user"), null, "foreign"));
        Condition c = awaitReady("test", "claims-foreign", "False", "SecretConflict");
        assertTrue(c.getMessage().contains("test/foreign") && c.getMessage().contains("not managed"), c.getMessage());
        Thread.sleep(300);
        // the service tried to create the Secret (refused: it exists), then read it to judge it, and wrote nothing to it
        List<String> aboutIt = new java.util.ArrayList<>();
        io.fabric8.mockwebserver.http.RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(20, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath().replaceAll("\\?.*", "");
            // (the mock keeps no body: a create is known by its collection; nothing else creates Secrets in test meanwhile)
            if (path.equals("/api/v1/namespaces/test/secrets/foreign")
                    || (path.equals("/api/v1/namespaces/test/secrets") && "POST".equals(r.getMethod()))) {
                aboutIt.add(r.getMethod() + " " + path);
            }
        }
        assertEquals(List.of("POST /api/v1/namespaces/test/secrets", "GET /api/v1/namespaces/test/secrets/foreign"),
                aboutIt.subList(0, Math.min(2, aboutIt.size())), "create first, read on 409: " + aboutIt);
        assertTrue(aboutIt.stream().allMatch(a -> a.equals("POST /api/v1/namespaces/test/secrets") || a.startsWith("GET ")),
                "no write to the foreign Secret: " + aboutIt);
        Secret after = secret("test", "foreign");
        assertEquals(before, io.fabric8.kubernetes.client.utils.Serialization.asJson(after), "byte for byte as it was");
        assertEquals(foreign.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion(), "never written");
        assertEquals(Map.of("auth-token", data), after.getData());
        assertTrue(after.getMetadata().getOwnerReferences() == null || after.getMetadata().getOwnerReferences().isEmpty());
    }

    private void namespace(String name, Map<String, String> labels) {
        client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
                .createOr(op -> op.update());
    }

    @Test
    void aClusterPxTokenKeepsOneSecretPerMatchingNamespace() throws Exception {
        for (String ns : List.of("team-a", "team-b", "team-c")) {
            namespace(ns, Map.of("tenant", "true"));
        }
        namespace("team-d", Map.of());
        namespace("not-a-tenant", Map.of("tenant", "false"));
        ClusterPxToken c = new ClusterPxToken();
        c.setMetadata(new ObjectMetaBuilder().withName("tenants").build());
        c.setSpec(new ClusterPxTokenSpec(new LabelSelectorBuilder().withMatchLabels(Map.of("tenant", "true")).build(),
                "Tenant ${namespace}", "tenant-${namespace}@example.com", "tenant-${namespace}@example.com",
                List.of("system.user"), List.of("${namespace}"), "1d", null, "px-k8s-user", null));
        String uid = client().resource(c).create().getMetadata().getUid();

        within(Duration.ofSeconds(20), () -> List.of("team-a", "team-b", "team-c").stream().allMatch(ns -> secret(ns, "px-k8s-user") != null),
                "a Secret in each matching namespace");
        for (String ns : List.of("team-a", "team-b", "team-c")) {
            Secret s = secret(ns, "px-k8s-user");
            Verification v = verified(s);
            assertEquals("tenant-" + ns + "@example.com", v.claims().get("sub"));
            assertEquals("Tenant " + ns, v.claims().get("name"));
            assertEquals(List.of(ns), v.claims().get("groups"));
            assertEquals(uid, s.getMetadata().getOwnerReferences().get(0).getUid());
            assertEquals("ClusterPxToken", s.getMetadata().getOwnerReferences().get(0).getKind());
        }
        assertNull(secret("team-d", "px-k8s-user"));
        assertNull(secret("not-a-tenant", "px-k8s-user"));
        within(Duration.ofSeconds(20), () -> clusterToken("tenants").getStatus() != null
                && Integer.valueOf(3).equals(clusterToken("tenants").getStatus().readyNamespaces()), "status counts 3");
        assertEquals(0, clusterToken("tenants").getStatus().failingNamespaces());
        assertEquals("True", ready(() -> clusterToken("tenants").getStatus().conditions()).getStatus());

        namespace("team-d", Map.of("tenant", "true"));
        within(Duration.ofSeconds(20), () -> secret("team-d", "px-k8s-user") != null, "the fourth namespace gets its Secret");
        assertEquals("tenant-team-d@example.com", verified(secret("team-d", "px-k8s-user")).claims().get("sub"));
        within(Duration.ofSeconds(20), () -> Integer.valueOf(4).equals(clusterToken("tenants").getStatus().readyNamespaces()), "4 ready");

        namespace("team-d", Map.of());
        within(Duration.ofSeconds(20), () -> secret("team-d", "px-k8s-user") == null, "the Secret goes with the label");
        within(Duration.ofSeconds(20), () -> Integer.valueOf(3).equals(clusterToken("tenants").getStatus().readyNamespaces()), "3 ready");
        assertNotNull(secret("team-a", "px-k8s-user"), "the others stay");
    }

    @Test
    void aRotationReSignsDeclaredTokens() throws Exception {
        declare("test", "rotated", spec("r@example.com", List.of("system.user"), null, null));
        awaitReady("test", "rotated", "True", "Issued");
        namespace("team-r", Map.of("rotation", "yes"));
        ClusterPxToken c = new ClusterPxToken();
        c.setMetadata(new ObjectMetaBuilder().withName("rotation").build());
        c.setSpec(new ClusterPxTokenSpec(new LabelSelectorBuilder().withMatchLabels(Map.of("rotation", "yes")).build(),
                "Rotated ${namespace}", "", "", List.of("system.user"), null, "1d", null, "rotated-token", null));
        client().resource(c).create();
        within(Duration.ofSeconds(20), () -> secret("team-r", "rotated-token") != null, "the tenant Secret");
        String jti = pxToken("test", "rotated").getStatus().jti();

        String next = key.equals(FIRST) ? SECOND : FIRST;
        String fingerprint = SharedSecret.fingerprint(next.getBytes(StandardCharsets.UTF_8));
        TestKeys.write(dir, next);
        key = next;
        for (String[] where : List.of(new String[] {"test", "rotated"}, new String[] {"team-r", "rotated-token"})) {
            within(Duration.ofSeconds(30), () -> fingerprint.equals(ManagedSecrets.annotation(secret(where[0], where[1]),
                    ManagedSecrets.KEY_FINGERPRINT)), where[0] + "/" + where[1] + " re-signed by the renewal engine");
            verified(secret(where[0], where[1]));
        }
        within(Duration.ofSeconds(20), () -> fingerprint.equals(pxToken("test", "rotated").getStatus().keyFingerprint()),
                "the PxToken's status names the new key");
        assertNotEquals(jti, pxToken("test", "rotated").getStatus().jti());
        awaitReady("test", "rotated", "True", "Issued");
    }
}
