package io.pxtoken.provenance;

import static io.pxtoken.Eventually.within;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pxtoken.LeaderProfile;
import io.pxtoken.QuietLogs;
import io.pxtoken.ShippedAdmissionPolicy;
import io.pxtoken.TestClock;
import io.pxtoken.TestKeys;
import io.pxtoken.declared.ClusterPxToken;
import io.pxtoken.declared.ClusterPxTokenSpec;
import io.pxtoken.declared.DeclaredTokenController;
import io.pxtoken.declared.PxToken;
import io.pxtoken.declared.PxTokenSpec;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.renewal.RenewalController;
import io.pxtoken.renewal.RenewalScope;
import io.pxtoken.renewal.RenewalSpec;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.UserClaims;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The token lifecycle attacked as a namespace user with {@code edit} rights would (issue 20): Secrets planted with the
 * managed-by label and every annotation this service writes, tampered annotations, declarations without their
 * admission policy, takeovers of another's Secret, and tenant selectors reaching system namespaces. None of it may lead
 * to a token; what this service provably wrote keeps being renewed and re-signed.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(TrustTest.Profile.class)
class TrustTest {

    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.declared.DeclaredTokenController", "io.pxtoken.kube.TokenSecrets",
            "io.pxtoken.renewal.RenewalController");

    static final String FIRST = "a".repeat(64);
    static final String SECOND = "b".repeat(64);
    static final String THIRD = "c".repeat(64);
    static Path dir;
    static volatile String key = FIRST;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            LeaderProfile profile = LeaderProfile.sharedSecret(FIRST).namespaces("test").tenants().tick("50ms");
            dir = profile.keysDir();
            return profile.with("pxtoken.tenants.excluded-namespaces", "team-excluded").build();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    TestClock clock;

    @Inject
    RenewalController renewal;

    @Inject
    io.pxtoken.leader.Controllers controllers;

    @Inject
    DeclaredTokenController declared;

    @Inject
    TokenIssuer issuer;

    @Inject
    SharedSecretStore keys;

    @BeforeEach
    void crdsPolicyAndLeader() throws Exception {
        KubernetesClient client = client();
        io.pxtoken.ShippedDeclaredTokens.apply(client);
        within(Duration.ofSeconds(30), () -> renewal.leading() && declared.leading(), "this replica leads");
    }

    @AfterEach
    void release() {
        clock.release();
        ShippedAdmissionPolicy.apply(client());
    }

    private KubernetesClient client() {
        return server.getClient();
    }

    private Secret secret(String namespace, String name) {
        return client().secrets().inNamespace(namespace).withName(name).get();
    }

    private List<String> eventReasons(String namespace, String name) {
        return client().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }

    private static void mint(String name, String duration, String roles) {
        given().contentType("application/json").body("{\"name\":\"Genuine\",\"email\":\"g@example.com\",\"sub\":\"g@example.com\","
                + "\"roles\":" + roles + ",\"duration\":\"" + duration + "\",\"secret\":{\"namespace\":\"test\",\"name\":\"" + name + "\"}}")
                .post("/v1/tokens").then().statusCode(200);
    }

    /** Exactly what this service would write for this token, but for the proof: what a planter can make. */
    private Secret plant(String namespace, String name, IssuedToken token, String duration) {
        Secret s = ManagedSecrets.fresh(new SecretTarget(namespace, name, SecretTarget.DEFAULT_KEY), token,
                RenewalSpec.DEFAULT.annotationsFor(token, TokenDuration.parse("duration", duration)));
        // due at once
        s = ManagedSecrets.annotated(s, ManagedSecrets.RENEWAL_TIME, clock.instant().minusSeconds(1).toString());
        return client().secrets().inNamespace(namespace).resource(s).create();
    }

    private IssuedToken token(String sub, List<String> roles, String duration) {
        return issuer.issue(issuer.check(new UserClaims("Planted", "p@example.com", sub, roles, null),
                TokenDuration.parse("duration", duration)));
    }

    private String rotate(String next) throws InterruptedException {
        TestKeys.write(dir, next);
        key = next;
        String fingerprint = SharedSecret.fingerprint(next.getBytes(StandardCharsets.UTF_8));
        within(Duration.ofSeconds(10), () -> fingerprint.equals(keys.status().fingerprint()), "key " + fingerprint + " adopted");
        return fingerprint;
    }

    @Test
    void plantedSecretsAreNeverRenewedAndEachGetsRenewalSkipped() throws Exception {
        // an admin token that expired last year
        clock.pin(Instant.now().minus(Duration.ofDays(400)));
        IssuedToken lastYear = token("admin@example.com", List.of("system.admin"), "1h");
        clock.release();
        // a colleague's 5-minute token, and a token of the key a rotation is about to retire
        IssuedToken colleague = token("colleague@example.com", List.of("system.admin"), "5m");
        IssuedToken oldKey = token("old@example.com", List.of("system.admin"), "1d");
        rotate(key.equals(FIRST) ? SECOND : FIRST);

        Map<String, IssuedToken> planted = Map.of("planted-expired", lastYear, "planted-colleague", colleague,
                "planted-old-key", oldKey);
        planted.forEach((name, token) -> plant("test", name, token, "1y"));
        for (String name : planted.keySet()) {
            within(Duration.ofSeconds(20), () -> eventReasons("test", name).contains("RenewalSkipped"), "RenewalSkipped on " + name);
        }
        Thread.sleep(500);
        for (var e : planted.entrySet()) {
            Secret s = secret("test", e.getKey());
            assertEquals(e.getValue().token(), ManagedSecrets.token(s), e.getKey() + " keeps the planted token: nothing minted");
            assertFalse(eventReasons("test", e.getKey()).contains("Renewed") || eventReasons("test", e.getKey()).contains("Resigned"));
        }
        given().get("/v1/secrets?namespace=test").then().statusCode(200)
                .body("find { it.name == 'planted-colleague' }.proven", equalTo(false));
    }

    @Test
    void aTamperedLifetimeOnAGenuineSecretIsRefused() throws Exception {
        clock.pin(Instant.now());
        mint("tampered", "30s", "[\"system.user\"]");
        Secret s = secret("tampered");
        String jti = ManagedSecrets.annotation(s, ManagedSecrets.JTI);
        Instant renewalTime = ManagedSecrets.instantAnnotation(s, ManagedSecrets.RENEWAL_TIME);
        client().secrets().inNamespace("test").resource(ManagedSecrets.annotated(s, ManagedSecrets.DURATION, "1y")).update();
        clock.pin(renewalTime.plusMillis(1));
        within(Duration.ofSeconds(20), () -> eventReasons("test", "tampered").contains("RenewalSkipped"), "RenewalSkipped");
        assertEquals(jti, ManagedSecrets.annotation(secret("tampered"), ManagedSecrets.JTI), "no year-long token from an edit");
        given().get("/v1/secrets?namespace=test").then().statusCode(200)
                .body("find { it.name == 'tampered' }.proven", equalTo(false));
    }

    private Secret secret(String name) {
        return secret("test", name);
    }

    @Test
    void aGenuineTokenThatExpiredDuringAnOutageIsRenewed() throws Exception {
        clock.pin(Instant.now());
        mint("outage", "30s", "[\"system.user\"]");
        String jti = ManagedSecrets.annotation(secret("outage"), ManagedSecrets.JTI);
        Instant exp = ManagedSecrets.instantAnnotation(secret("outage"), ManagedSecrets.EXPIRES_AT);
        clock.pin(exp.plus(Duration.ofHours(2)));
        within(Duration.ofSeconds(20), () -> !jti.equals(ManagedSecrets.annotation(secret("outage"), ManagedSecrets.JTI)), "renewed");
        Secret after = secret("outage");
        TestKeys.verified(ManagedSecrets.token(after), key.getBytes(StandardCharsets.UTF_8));
        assertEquals(exp.plus(Duration.ofHours(2)).plusSeconds(30).getEpochSecond(),
                ManagedSecrets.instantAnnotation(after, ManagedSecrets.EXPIRES_AT).getEpochSecond(), "the proven 30s lifetime");
    }

    @Test
    void aLeaderThatStartsAfterTwoRotationsStillReSignsEveryGenuineSecret() throws Exception {
        mint("before-rotations", "1h", "[\"system.user\"]");
        String jti = ManagedSecrets.annotation(secret("before-rotations"), ManagedSecrets.JTI);
        controllers.stopLeading();
        try {
            // two rotations: neither the current key nor the one before signed the stored token
            rotate(key.equals(FIRST) ? SECOND : FIRST);
            rotate(THIRD.equals(key) ? FIRST : THIRD);
        } finally {
            controllers.startLeading();
        }
        String fingerprint = SharedSecret.fingerprint(key.getBytes(StandardCharsets.UTF_8));
        within(Duration.ofSeconds(30), () -> fingerprint.equals(ManagedSecrets.annotation(secret("before-rotations"),
                ManagedSecrets.KEY_FINGERPRINT)), "re-signed by the new leader");
        assertNotEquals(jti, ManagedSecrets.annotation(secret("before-rotations"), ManagedSecrets.JTI));
        TestKeys.verified(ManagedSecrets.token(secret("before-rotations")), key.getBytes(StandardCharsets.UTF_8));
    }

    private void namespace(String name, Map<String, String> labels) {
        client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
                .createOr(op -> op.update());
    }

    @Test
    void aPlantedSecretInATenantNamespaceIsIgnored() throws Exception {
        namespace("tenant-planted", Map.of());
        Secret s = plant("tenant-planted", "px-k8s-user", token("t@example.com", List.of("system.admin"), "1h"), "1y");
        // labelled and owned as a ClusterPxToken's Secret would be, by a uid nobody declared
        String uid = UUID.randomUUID().toString();
        client().secrets().inNamespace("tenant-planted").resource(new SecretBuilder(s).editMetadata()
                .addToLabels(RenewalScope.OWNER_UID, uid)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("pxtoken.io/v1alpha1").withKind("ClusterPxToken")
                        .withName("tenants").withUid(uid).withController(true).build()).endMetadata().build()).update();
        // the same planted Secret in a namespace renewal covers is looked at (and skipped): the leader is at work
        plant("test", "planted-control", token("t@example.com", List.of("system.admin"), "1h"), "1y");
        within(Duration.ofSeconds(20), () -> eventReasons("test", "planted-control").contains("RenewalSkipped"), "the control");
        Thread.sleep(1000);
        assertEquals(List.of(), eventReasons("tenant-planted", "px-k8s-user"), "not even looked at");
        assertEquals(ManagedSecrets.token(s), ManagedSecrets.token(secret("tenant-planted", "px-k8s-user")));
    }

    private PxToken declare(String name, List<String> roles, String secretName) {
        PxToken t = new PxToken();
        t.setMetadata(new ObjectMetaBuilder().withNamespace("test").withName(name).build());
        t.setSpec(new PxTokenSpec("Declared", "d@example.com", "d@example.com", roles, null, "1h", null, secretName, null));
        return client().resource(t).create();
    }

    private Condition readyOf(String name) {
        PxToken t = client().resources(PxToken.class).inNamespace("test").withName(name).get();
        return t == null || t.getStatus() == null || t.getStatus().conditions() == null ? null
                : t.getStatus().conditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElse(null);
    }

    private Condition awaitReady(String name, String status, String reason) throws InterruptedException {
        within(Duration.ofSeconds(20), () -> {
            Condition c = readyOf(name);
            return c != null && c.getStatus().equals(status) && c.getReason().equals(reason);
        }, "PxToken " + name + " Ready=" + status + " " + reason + " (now: " + readyOf(name) + ")");
        return readyOf(name);
    }

    private String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void withoutThePolicyNothingDeclaredIsWrittenUntilItIsBack() throws Exception {
        // a declaration already Ready sees the policy go (the controller looks at every declaration again): once the
        // gauge says 0, the leader's cache knows, and what is declared next is judged without the policy
        declare("gate-sentinel", List.of("system.user"), null);
        awaitReady("gate-sentinel", "True", "Issued");
        ShippedAdmissionPolicy.removePolicy(client());
        awaitReady("gate-sentinel", "False", "AdmissionPolicyMissing");
        within(Duration.ofSeconds(10), () -> metrics().contains("pxtoken_declared_admission_policy_ready 0.0"), "the gauge says 0");
        declare("gated", List.of("system.user"), null);
        Condition c = awaitReady("gated", "False", "AdmissionPolicyMissing");
        assertTrue(c.getMessage().contains("pxtoken-mint-rights") && c.getMessage().contains("does not exist"), c.getMessage());
        assertNull(secret("gated"), "nothing written");
        within(Duration.ofSeconds(10), () -> eventReasons("test", "gated").contains("AdmissionPolicyMissing"), "a Warning Event");

        ShippedAdmissionPolicy.apply(client());
        awaitReady("gated", "True", "Issued");
        assertTrue(metrics().contains("pxtoken_declared_admission_policy_ready 1.0"));

        // the binding gone, or only warning: closed again
        ShippedAdmissionPolicy.removeBinding(client());
        awaitReady("gated", "False", "AdmissionPolicyMissing");
        ShippedAdmissionPolicy.apply(client());
        awaitReady("gated", "True", "Issued");
        ValidatingAdmissionPolicyBinding warnOnly = new ValidatingAdmissionPolicyBindingBuilder(ShippedAdmissionPolicy.binding(client()))
                .editSpec().withValidationActions("Warn").endSpec().build();
        client().resource(warnOnly).update();
        c = awaitReady("gated", "False", "AdmissionPolicyMissing");
        assertTrue(c.getMessage().contains("does not Deny"), c.getMessage());
        declare("gated-later", List.of("system.user"), null);
        awaitReady("gated-later", "False", "AdmissionPolicyMissing");
        assertNull(secret("gated-later"), "nothing written while the binding only warns");
        ShippedAdmissionPolicy.removeBinding(client());
        ShippedAdmissionPolicy.apply(client());
        awaitReady("gated-later", "True", "Issued");
    }

    @Test
    void anAdminTokenIsNeverDeclaredByDefault() throws Exception {
        declare("wants-admin", List.of("system.user", "system.admin"), null);
        Condition c = awaitReady("wants-admin", "False", "Refused");
        assertTrue(c.getMessage().contains("pxtoken.declared.roles") && c.getMessage().contains("system.admin"), c.getMessage());
        assertNull(secret("wants-admin"), "nothing written");
    }

    @Test
    void neitherWayTakesOverAnothersSecret() throws Exception {
        // a declaration never takes the Secret a StorageClass reads, minted over HTTP
        mint("px-k8s-user", "1h", "[\"system.admin\"]");
        Secret before = secret("px-k8s-user");
        declare("takeover", List.of("system.view"), "px-k8s-user");
        Condition c = awaitReady("takeover", "False", "SecretConflict");
        assertTrue(c.getMessage().contains("minted over HTTP"), c.getMessage());
        Thread.sleep(300);
        Secret after = secret("px-k8s-user");
        assertEquals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion(), "never written");
        assertTrue(after.getMetadata().getOwnerReferences() == null || after.getMetadata().getOwnerReferences().isEmpty(),
                "no owner: deleting the PxToken cannot delete it");

        // and an HTTP mint never overwrites a declaration's Secret
        declare("owner", List.of("system.view"), null);
        awaitReady("owner", "True", "Issued");
        Secret owned = secret("owner");
        given().contentType("application/json").body("{\"name\":\"Intruder\",\"email\":\"i@example.com\",\"sub\":\"i@example.com\","
                + "\"roles\":[\"system.admin\"],\"secret\":{\"namespace\":\"test\",\"name\":\"owner\"}}")
                .post("/v1/tokens").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:secret-declared"))
                .body("detail", containsString("PxToken owner"));
        assertEquals(owned.getMetadata().getResourceVersion(), secret("owner").getMetadata().getResourceVersion(), "nothing written");
    }

    private ClusterPxToken clusterToken(String name, LabelSelector selector) {
        ClusterPxToken c = new ClusterPxToken();
        c.setMetadata(new ObjectMetaBuilder().withName(name).build());
        c.setSpec(new ClusterPxTokenSpec(selector, "Tenant ${namespace}", "", "", List.of("system.user"), null, "1d", null,
                name + "-token", null));
        return client().resource(c).create();
    }

    private String clusterReady(String name) {
        ClusterPxToken c = client().resources(ClusterPxToken.class).withName(name).get();
        return c == null || c.getStatus() == null || c.getStatus().conditions() == null ? null
                : c.getStatus().conditions().stream().filter(x -> x.getType().equals("Ready"))
                        .map(x -> x.getStatus() + " " + x.getReason() + ": " + x.getMessage()).findFirst().orElse(null);
    }

    @Test
    void aClusterPxTokenNeverTouchesSystemOrExcludedNamespacesNorMatchesEverything() throws Exception {
        List<String> untouchable = List.of("kube-system", "kube-public", "kube-node-lease", "test", "team-excluded");
        for (String ns : untouchable) {
            namespace(ns, Map.of("everyone", "yes"));
        }
        namespace("team-ok", Map.of("everyone", "yes"));
        clusterToken("wide", new LabelSelectorBuilder().withMatchLabels(Map.of("everyone", "yes")).build());
        within(Duration.ofSeconds(20), () -> secret("team-ok", "wide-token") != null, "the tenant's Secret");
        within(Duration.ofSeconds(20), () -> String.valueOf(clusterReady("wide")).startsWith("True"), "Ready: " + clusterReady("wide"));
        for (String ns : untouchable) {
            assertNull(secret(ns, "wide-token"), "nothing in " + ns);
        }

        // selectors that match every namespace, whatever their form
        clusterToken("all-by-name", new LabelSelectorBuilder().addNewMatchExpression().withKey("kubernetes.io/metadata.name")
                .withOperator("Exists").endMatchExpression().build());
        clusterToken("all-but-one", new LabelSelectorBuilder().addNewMatchExpression().withKey("opt-out")
                .withOperator("DoesNotExist").endMatchExpression().build());
        for (String name : List.of("all-by-name", "all-but-one")) {
            within(Duration.ofSeconds(20), () -> String.valueOf(clusterReady(name)).startsWith("False Refused")
                    && clusterReady(name).contains("would match every namespace"), name + ": " + clusterReady(name));
            assertNull(secret("team-ok", name + "-token"));
        }
    }
}
