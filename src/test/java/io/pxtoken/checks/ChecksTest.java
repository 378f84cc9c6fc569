package io.pxtoken.checks;

import static io.pxtoken.Eventually.within;
import static io.pxtoken.auth.FakeKubernetesAuth.mint;
import static io.pxtoken.auth.FakeKubernetesAuth.secrets;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pxtoken.LeaderProfile;
import io.pxtoken.QuietLogs;
import io.pxtoken.TestClock;
import io.pxtoken.TestTokens;
import io.pxtoken.auth.FakeKubernetesAuth;
import io.pxtoken.kube.StorageClassEvents;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The token check against the mock API server (CRUD mode, with watches), authentication on: StorageClasses (in-tree,
 * CSI, {@code ${pvc.namespace}}, {@code ${pvc.name}}), PVCs in three namespaces, PVs with deletion secrets, and Secrets
 * holding a good token (minted and managed by the service), one expiring in 2 days, an expired one, one not valid yet,
 * one signed with another key, one of another issuer, one without {@code auth-token}, one holding text, a missing one,
 * one the API refuses to show, and one in a namespace the service may not read. The service's clock is pinned.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(ChecksTest.Profile.class)
class ChecksTest {

    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.kube.TokenSecrets", "io.pxtoken.checks.ChecksController");

    static final String KEY = "c".repeat(64);
    static final String OTHER_KEY = "o".repeat(64);
    static final String CSI = "csi.storage.k8s.io/";
    static final String IN_TREE = "openstorage.io/auth-secret-";
    /** The service's time in every test. */
    static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // pxtoken.checks.namespaces unset: the check reads where Secrets may be written
            return LeaderProfile.sharedSecret(KEY).namespaces("portworx,tenant-a,tenant-b")
                    .with("pxtoken.auth.enabled", "true")
                    .with("pxtoken.rate-limit.burst", "1000")
                    .with("pxtoken.checks.continuous", "true")
                    // nothing runs on the interval during the test: what runs, runs on a change or when the test says so
                    .with("pxtoken.checks.interval", "1h").build();
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
    ChecksController controller;

    @Inject
    io.pxtoken.leader.Controllers controllers;

    static FakeKubernetesAuth kube;
    static final String CHECKER = "checker-token";
    static final String NOBODY = "nobody-token";
    static final String TENANT_A = "tenant-a-token";
    static final String TEXT = "hello, this is not a token";
    static final Map<String, String> TOKENS = new LinkedHashMap<>();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void fixtures() throws Exception {
        clock.pin(T);
        if (kube == null) {
            kube = new FakeKubernetesAuth();
            kube.install(server);
            kube.users.put(CHECKER, "system:serviceaccount:kube-system:storage-admin");
            kube.grant("system:serviceaccount:kube-system:storage-admin",
                    new FakeKubernetesAuth.Rule("get", "pxtoken.io", "checks", null, List.of()),
                    mint("roles", "system.user"), mint("groups"), mint("subjects"),
                    secrets("create", "portworx"), secrets("update", "portworx"));
            kube.users.put(TENANT_A, "system:serviceaccount:tenant-a:operator");
            kube.grant("system:serviceaccount:tenant-a:operator",
                    new FakeKubernetesAuth.Rule("get", "pxtoken.io", "checks", "tenant-a", List.of()));
            kube.users.put(NOBODY, "system:serviceaccount:apps:viewer");
            kube.grant("system:serviceaccount:apps:viewer", mint("roles", "system.user"));
            server.expect().get().withPath("/api/v1/namespaces/portworx/secrets/px-locked")
                    .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("secrets is forbidden").build())
                    .always();
            cluster();
        }
        within(Duration.ofSeconds(30), controller::leading, "this replica runs the continuous check");
    }

    @AfterEach
    void release() {
        clock.release();
    }

    private void cluster() {
        KubernetesClient k = server.getClient();
        TOKENS.put("px-expiring", token(T.minus(Duration.ofHours(1)), T.plus(Duration.ofDays(2)), "portworx.com", KEY));
        TOKENS.put("px-expired", token(T.minus(Duration.ofDays(10)), T.minus(Duration.ofDays(1)), "portworx.com", KEY));
        TOKENS.put("px-future", token(T.plus(Duration.ofHours(1)), T.plus(Duration.ofDays(30)), "portworx.com", KEY));
        TOKENS.put("px-other-issuer", token(T.minus(Duration.ofHours(1)), T.plus(Duration.ofDays(3)), "my_issuer", KEY));
        TOKENS.put("tenant-a/px-k8s-user", token(T.minus(Duration.ofHours(1)), T.plus(Duration.ofDays(30)), "portworx.com", OTHER_KEY));
        secret(k, "portworx", "px-expiring", "auth-token", TOKENS.get("px-expiring"));
        secret(k, "portworx", "px-expired", "auth-token", TOKENS.get("px-expired"));
        secret(k, "portworx", "px-future", "auth-token", TOKENS.get("px-future"));
        secret(k, "portworx", "px-other-issuer", "auth-token", TOKENS.get("px-other-issuer"));
        secret(k, "portworx", "px-nokey", "token", TOKENS.get("px-expiring"));
        secret(k, "tenant-a", "px-k8s-user", "auth-token", TOKENS.get("tenant-a/px-k8s-user"));
        secret(k, "tenant-a", "db-token", "auth-token", TEXT);
        secret(k, "tenant-c", "px-k8s-user", "auth-token", TOKENS.get("px-expiring"));

        // the good one is minted by the service into the Secret: managed, renewed
        String minted = as(CHECKER).contentType("application/json").body(("{\"name\":\"Kubernetes User\",\"email\":"
                + "\"kubernetes@example.com\",\"sub\":\"kubernetes@example.com\",\"roles\":[\"system.user\"],"
                + "\"groups\":[\"kubernetes\"],\"duration\":\"30d\",\"secret\":{\"namespace\":\"portworx\",\"name\":\"px-good\"}}")
                .getBytes(StandardCharsets.UTF_8)).post("/v1/tokens").then().statusCode(200).extract().path("token");
        TOKENS.put("px-good", minted);

        // the Secrets and claims exist before the StorageClasses that name them: nothing fails on the way
        claim(k, "tenant-a", "data", "px-tenant");
        claim(k, "tenant-b", "data", "px-tenant");
        claim(k, "tenant-c", "data", "px-tenant");
        claim(k, "tenant-a", "db", "px-per-claim");
        claim(k, "tenant-b", "scratch", "standard");
        volume(k, "pv-old", "portworx", "px-expired");
        volume(k, "pv-good", "portworx", "px-good");
        storageClass(k, "px-intree", IN_TREE + "name", "px-good", IN_TREE + "namespace", "portworx");
        storageClass(k, "px-csi", CSI + "provisioner-secret-name", "px-expiring", CSI + "provisioner-secret-namespace", "portworx",
                CSI + "node-publish-secret-name", "px-expiring", CSI + "node-publish-secret-namespace", "portworx",
                CSI + "controller-expand-secret-name", "px-expiring", CSI + "controller-expand-secret-namespace", "portworx");
        storageClass(k, "px-tenant", CSI + "provisioner-secret-name", "px-k8s-user", CSI + "provisioner-secret-namespace",
                "${pvc.namespace}", CSI + "node-publish-secret-name", "px-k8s-user", CSI + "node-publish-secret-namespace",
                "${pvc.namespace}");
        storageClass(k, "px-per-claim", CSI + "provisioner-secret-name", "${pvc.name}-token", CSI + "provisioner-secret-namespace",
                "${pvc.namespace}");
        storageClass(k, "px-other", IN_TREE + "name", "px-other-issuer", IN_TREE + "namespace", "portworx");
        storageClass(k, "px-nokey", IN_TREE + "name", "px-nokey", IN_TREE + "namespace", "portworx");
        storageClass(k, "px-old", IN_TREE + "name", "px-expired", IN_TREE + "namespace", "portworx");
        storageClass(k, "px-future", IN_TREE + "name", "px-future", IN_TREE + "namespace", "portworx");
        storageClass(k, "px-locked", IN_TREE + "name", "px-locked", IN_TREE + "namespace", "portworx");
        storageClass(k, "standard");
    }

    static void storageClass(KubernetesClient k, String name, String... parameters) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("repl", "1");
        for (int i = 0; i < parameters.length; i += 2) {
            p.put(parameters[i], parameters[i + 1]);
        }
        k.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName(name).endMetadata()
                .withProvisioner(name.equals("standard") ? "kubernetes.io/no-provisioner" : "pxd.portworx.com")
                .withParameters(p).build()).create();
    }

    static void claim(KubernetesClient k, String namespace, String name, String storageClass) {
        k.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withNamespace(namespace).withName(name).endMetadata().withNewSpec().withStorageClassName(storageClass)
                .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage",
                        new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources().endSpec().build()).create();
    }

    static void volume(KubernetesClient k, String name, String namespace, String secret) {
        k.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(name)
                .addToAnnotations(SecretReferences.DELETION_SECRET_NAME, secret)
                .addToAnnotations(SecretReferences.DELETION_SECRET_NAMESPACE, namespace)
                .addToAnnotations("pv.kubernetes.io/provisioned-by", "pxd.portworx.com").endMetadata()
                .withNewSpec().addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                .withAccessModes("ReadWriteOnce").endSpec().build()).create();
    }

    static void secret(KubernetesClient k, String namespace, String name, String key, String value) {
        k.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withNamespace(namespace)
                .withName(name).endMetadata().withType("Opaque")
                .withData(Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))).build())
                .create();
    }

    static String token(Instant iat, Instant exp, String issuer, String key) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("kubernetes@example.com")
                .claim("name", "Kubernetes User").claim("email", "kubernetes@example.com").claim("roles", List.of("system.user"))
                .issueTime(Date.from(iat)).expirationTime(Date.from(exp)).build();
        return TestTokens.sign(claims, JWSAlgorithm.HS256, key.getBytes(StandardCharsets.UTF_8));
    }

    static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static JsonNode report() throws Exception {
        return JSON.readTree(as(CHECKER).get("/v1/checks").then().statusCode(200).contentType("application/json")
                .extract().asByteArray());
    }

    static JsonNode item(JsonNode report, String namespace, String name) {
        for (JsonNode i : report.get("items")) {
            if (i.get("namespace").asText().equals(namespace) && i.get("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no item " + namespace + "/" + name);
    }

    static List<String> referrers(JsonNode item) {
        List<String> out = new ArrayList<>();
        item.get("referrers").forEach(r -> out.add(r.get("object").asText() + " " + r.get("parameter").asText()));
        return out;
    }

    @Test
    void everySecretGetsItsVerdictAndReferrers() throws Exception {
        JsonNode r = report();
        assertEquals(T.toString(), r.get("checkedAt").asText());
        List<String> order = new ArrayList<>();
        Map<String, String> verdicts = new LinkedHashMap<>();
        r.get("items").forEach(i -> {
            String id = i.get("namespace").asText() + "/" + i.get("name").asText();
            order.add(id);
            verdicts.put(id, i.get("verdict").asText());
            assertEquals("auth-token", i.get("key").asText());
        });
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("portworx/px-expired", "expired");
        expected.put("portworx/px-expiring", "expiring");
        expected.put("portworx/px-future", "not-yet-valid");
        expected.put("portworx/px-good", "ok");
        expected.put("portworx/px-locked", "not-permitted");
        expected.put("portworx/px-nokey", "missing-key");
        expected.put("portworx/px-other-issuer", "other-issuer");
        expected.put("tenant-a/db-token", "not-a-token");
        expected.put("tenant-a/px-k8s-user", "bad-signature");
        expected.put("tenant-b/px-k8s-user", "missing-secret");
        expected.put("tenant-c/px-k8s-user", "not-permitted");
        assertEquals(expected, verdicts, "every Secret once, ordered by namespace and name; tenant-b/scratch's class names none");

        Map<String, Integer> summary = new LinkedHashMap<>();
        r.get("summary").fields().forEachRemaining(e -> summary.put(e.getKey(), e.getValue().asInt()));
        assertEquals(List.of("ok", "expiring", "expired", "not-yet-valid", "bad-signature", "other-issuer", "rejected",
                "missing-secret", "missing-key", "not-a-token", "not-permitted"), List.copyOf(summary.keySet()));
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 2), List.copyOf(summary.values()));

        JsonNode good = item(r, "portworx", "px-good");
        assertTrue(good.get("reason").isNull());
        assertTrue(good.get("managed").asBoolean());
        assertTrue(good.get("renews").asBoolean(), "minted into a Secret of a renewed namespace");
        assertEquals(T.plus(Duration.ofDays(30)).toString(), good.get("expiresAt").asText());
        assertNotNull(Instant.parse(good.get("renewalTime").asText()));
        assertEquals(List.of("storageclass/px-intree openstorage.io/auth-secret-name",
                "persistentvolume/pv-good volume.kubernetes.io/provisioner-deletion-secret-name"), referrers(good));

        JsonNode expiring = item(r, "portworx", "px-expiring");
        assertEquals("Token expires in 2d, within pxtoken.checks.expiry-warning (7d)", expiring.get("reason").asText());
        assertFalse(expiring.get("managed").asBoolean());
        assertFalse(expiring.get("renews").asBoolean());
        assertEquals(List.of("storageclass/px-csi csi.storage.k8s.io/provisioner-secret-name",
                "storageclass/px-csi csi.storage.k8s.io/node-publish-secret-name",
                "storageclass/px-csi csi.storage.k8s.io/controller-expand-secret-name"), referrers(expiring));

        JsonNode expired = item(r, "portworx", "px-expired");
        assertEquals("Token is expired", expired.get("reason").asText());
        assertEquals(T.minus(Duration.ofDays(1)).toString(), expired.get("expiresAt").asText());
        assertTrue(expired.get("expiryVerified").asBoolean());
        assertEquals(List.of("storageclass/px-old openstorage.io/auth-secret-name",
                "persistentvolume/pv-old volume.kubernetes.io/provisioner-deletion-secret-name"), referrers(expired));

        assertEquals("Token used before issued", item(r, "portworx", "px-future").get("reason").asText());

        JsonNode otherKey = item(r, "tenant-a", "px-k8s-user");
        // unverified tokens are anyone's text: the reason names the class and quotes nothing, the exp is not shown
        assertTrue(otherKey.get("reason").asText().startsWith("bad-signature: "), otherKey.get("reason").asText());
        assertFalse(otherKey.get("expiryVerified").asBoolean());
        assertTrue(otherKey.get("expiresAt").isNull());
        assertEquals(List.of("storageclass/px-tenant csi.storage.k8s.io/provisioner-secret-name",
                "storageclass/px-tenant csi.storage.k8s.io/node-publish-secret-name"), referrers(otherKey));

        JsonNode other = item(r, "portworx", "px-other-issuer");
        assertTrue(other.get("reason").asText().startsWith("other-issuer: "), other.get("reason").asText());
        assertFalse(other.get("reason").asText().contains("my_issuer"), "an unverified iss is never quoted");
        assertTrue(other.get("expiresAt").isNull(), "an unverified exp is not shown");
        assertFalse(other.get("expiryVerified").asBoolean());

        assertTrue(item(r, "portworx", "px-nokey").get("reason").asText().contains("has no key auth-token"));
        assertEquals("not-a-token: the value is not a JWT Portworx can read", item(r, "tenant-a", "db-token").get("reason").asText());
        assertEquals(List.of("storageclass/px-per-claim csi.storage.k8s.io/provisioner-secret-name"),
                referrers(item(r, "tenant-a", "db-token")), "${pvc.name} of claim tenant-a/db");
        assertEquals("Secret tenant-b/px-k8s-user does not exist", item(r, "tenant-b", "px-k8s-user").get("reason").asText());
        assertTrue(item(r, "tenant-c", "px-k8s-user").get("reason").asText()
                .startsWith("Namespace tenant-c is not in pxtoken.checks.namespaces [portworx, tenant-a, tenant-b]"));
        assertTrue(item(r, "portworx", "px-locked").get("reason").asText().startsWith("Kubernetes refused to let this service get secrets in portworx"));
    }

    @Test
    void noTokenLeavesTheService() throws Exception {
        String json = as(CHECKER).get("/v1/checks").then().statusCode(200).extract().asString();
        String text = as(CHECKER).queryParam("format", "text").get("/v1/checks").then().statusCode(200).extract().asString();
        controller.runOnce();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String events = server.getClient().v1().events().inNamespace(StorageClassEvents.NAMESPACE).list().getItems().toString();
        for (String body : List.of(json, text, metrics, events)) {
            for (Map.Entry<String, String> t : TOKENS.entrySet()) {
                String signature = t.getValue().substring(t.getValue().lastIndexOf('.') + 1);
                assertFalse(body.contains(signature), t.getKey() + "'s token appears");
                assertFalse(body.contains(t.getValue().substring(0, t.getValue().lastIndexOf('.'))), t.getKey() + "'s token appears");
            }
            assertFalse(body.contains(TEXT), "the text of a Secret appears");
        }
    }

    @Test
    void theTextTableIsAligned() {
        String text = as(CHECKER).queryParam("format", "text").get("/v1/checks").then().statusCode(200)
                .contentType("text/plain").extract().asString();
        List<String> lines = List.of(text.split("\n"));
        assertTrue(lines.get(0).contains("1 ok, 1 expiring, 1 expired, 1 not-yet-valid, 1 bad-signature, 1 other-issuer, "
                + "1 missing-secret, 1 missing-key, 1 not-a-token, 2 not-permitted"), lines.get(0));
        assertEquals("", lines.get(1));
        String header = lines.get(2);
        List<Integer> starts = new ArrayList<>();
        Matcher m = Pattern.compile("(?:^|  +)(\\S)").matcher(header);
        while (m.find()) {
            starts.add(m.start(1));
        }
        assertEquals(8, starts.size(), header);
        List<String> rows = lines.subList(3, lines.size());
        assertEquals(11, rows.size(), text);
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String row : rows) {
            for (int c = 1; c < starts.size(); c++) {
                int at = starts.get(c);
                assertTrue(row.length() > at, "row reaches column " + header.substring(at).split(" ")[0] + ": " + row);
                assertEquals("  ", row.substring(at - 2, at), "two spaces before column " + c + ": " + row);
                assertTrue(row.charAt(at) != ' ', "column " + c + " starts at " + at + ": " + row);
            }
            verdicts.put(cell(row, starts, 0) + "/" + cell(row, starts, 1), cell(row, starts, 3));
            assertEquals("auth-token", cell(row, starts, 2));
        }
        assertEquals("ok", verdicts.get("portworx/px-good"));
        assertEquals("not-permitted", verdicts.get("tenant-c/px-k8s-user"));
        String good = rows.stream().filter(r -> r.startsWith("portworx  ") && r.contains("px-good ")).findFirst().orElseThrow();
        assertEquals("renewed", cell(good, starts, 5));
        assertEquals("storageclass/px-intree,persistentvolume/pv-good", cell(good, starts, 6));
        String other = rows.stream().filter(r -> r.contains("px-other-issuer")).findFirst().orElseThrow();
        assertEquals("-", cell(other, starts, 4), "an unverified exp is not shown");
        assertTrue(cell(other, starts, 7).startsWith("other-issuer: "), cell(other, starts, 7));
    }

    static String cell(String row, List<Integer> starts, int c) {
        int from = starts.get(c);
        int to = c + 1 < starts.size() ? starts.get(c + 1) : row.length();
        return row.substring(from, Math.min(to, row.length())).strip();
    }

    @Test
    void anUnknownFormatIsAProblemNamingTheField() {
        as(CHECKER).queryParam("format", "yaml").get("/v1/checks").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("format"))
                .body("errors[0].reason", org.hamcrest.Matchers.equalTo("must be json or text"));
    }

    @Test
    void aCallerWithRightsInOneNamespaceSeesOnlyThatNamespace() {
        List<String> namespaces = as(TENANT_A).get("/v1/checks").then().statusCode(200).extract().path("items.namespace");
        assertFalse(namespaces.isEmpty());
        assertEquals(List.of("tenant-a"), namespaces.stream().distinct().toList(), "only tenant-a's rows");
        int counted = as(TENANT_A).get("/v1/checks").then().statusCode(200).extract().jsonPath()
                .getMap("summary", String.class, Integer.class).values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(namespaces.size(), counted, "the summary counts only what the caller sees");
        String table = as(TENANT_A).queryParam("format", "text").get("/v1/checks").then().statusCode(200).extract().asString();
        assertFalse(table.contains("portworx "), table);
        List<String> all = as(CHECKER).get("/v1/checks").then().statusCode(200).extract().path("items.namespace");
        assertTrue(all.contains("portworx") && all.contains("tenant-a"), "cluster-wide: every row");
    }

    @Test
    void aCallerWithoutGetChecksIsRefused() {
        as(NOBODY).get("/v1/checks").then().statusCode(403).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("urn:pxtoken:problem:forbidden"))
                .body("missing", org.hamcrest.Matchers.equalTo(List.of("get checks.pxtoken.io")));
        as(NOBODY).queryParam("format", "text").get("/v1/checks").then().statusCode(403);
        given().get("/v1/checks").then().statusCode(401);
    }

    @Test
    void theMetricsCarryTheVerdicts() throws Exception {
        controller.runOnce();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, String> expected = Map.of("portworx/px-good", "ok", "portworx/px-expiring", "expiring",
                "portworx/px-expired", "expired", "portworx/px-future", "not-yet-valid", "tenant-a/px-k8s-user", "bad-signature",
                "portworx/px-other-issuer", "other-issuer", "tenant-b/px-k8s-user", "missing-secret",
                "portworx/px-nokey", "missing-key", "tenant-a/db-token", "not-a-token", "tenant-c/px-k8s-user", "not-permitted");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String ns = e.getKey().split("/")[0];
            String name = e.getKey().split("/")[1];
            for (Verdict v : Verdict.values()) {
                assertEquals(v.label().equals(e.getValue()) ? 1.0 : 0.0, gauge(metrics, CheckMetrics.VERDICT + "{name=\"" + name
                        + "\",namespace=\"" + ns + "\",verdict=\"" + v.label() + "\"}"), e.getKey() + " " + v.label());
            }
        }
        for (String sc : List.of("px-old", "px-intree")) {
            String secret = sc.equals("px-old") ? "px-expired" : "px-good";
            String verdict = sc.equals("px-old") ? "expired" : "ok";
            for (Verdict v : Verdict.values()) {
                assertEquals(v.label().equals(verdict) ? 1.0 : 0.0, gauge(metrics, CheckMetrics.BY_STORAGE_CLASS + "{name=\""
                        + secret + "\",namespace=\"portworx\",storageclass=\"" + sc + "\",verdict=\"" + v.label() + "\"}"), sc);
            }
        }
        assertEquals(1.0, gauge(metrics, CheckMetrics.BY_STORAGE_CLASS
                + "{name=\"px-k8s-user\",namespace=\"tenant-b\",storageclass=\"px-tenant\",verdict=\"missing-secret\"}"));
        assertFalse(metrics.contains(CheckMetrics.BY_STORAGE_CLASS + "{name=\"px-expired\",namespace=\"portworx\",storageclass=\"pv-old"),
                "PVs are no StorageClasses");
        assertEquals(T.minus(Duration.ofDays(1)).getEpochSecond(),
                gauge(metrics, CheckMetrics.EXPIRATION + "{name=\"px-expired\",namespace=\"portworx\"}"));
        assertEquals(T.plus(Duration.ofDays(2)).getEpochSecond(),
                gauge(metrics, CheckMetrics.EXPIRATION + "{name=\"px-expiring\",namespace=\"portworx\"}"));
        assertTrue(Double.isNaN(gauge(metrics, CheckMetrics.EXPIRATION + "{name=\"px-k8s-user\",namespace=\"tenant-b\"}")));
        assertTrue(gauge(metrics, "pxtoken_check_runs_total{result=\"success\"}") >= 1);
        assertEquals(T.getEpochSecond(), gauge(metrics, "pxtoken_check_last_success_timestamp_seconds"));
    }

    static double gauge(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series);
    }

    @Test
    void theEventsNameTheStorageClassesWhoseTokenWillFail() throws Exception {
        controller.runOnce();
        // px-new comes and goes in another test
        List<io.fabric8.kubernetes.api.model.Event> events = checkEvents().stream()
                .filter(e -> !e.getInvolvedObject().getName().equals("px-new")).toList();
        Map<String, List<String>> byClass = new LinkedHashMap<>();
        for (var e : events) {
            assertEquals("Warning", e.getType());
            assertEquals("StorageClass", e.getInvolvedObject().getKind());
            assertEquals("storage.k8s.io/v1", e.getInvolvedObject().getApiVersion());
            assertEquals(server.getClient().storage().v1().storageClasses().withName(e.getInvolvedObject().getName()).get()
                    .getMetadata().getUid(), e.getInvolvedObject().getUid(), "kubectl describe finds it by uid");
            byClass.computeIfAbsent(e.getInvolvedObject().getName(), k -> new ArrayList<>()).add(e.getMessage());
        }
        assertEquals(java.util.Set.of("px-csi", "px-tenant", "px-per-claim", "px-nokey", "px-old", "px-future"), byClass.keySet(),
                "ok, other-issuer and not-permitted tokens make no Event: " + byClass);
        assertEquals(List.of("Portworx reads a token from Secret portworx/px-expiring (key auth-token, "
                + "csi.storage.k8s.io/provisioner-secret-name, csi.storage.k8s.io/node-publish-secret-name, "
                + "csi.storage.k8s.io/controller-expand-secret-name): expiring (Token expires in 2d, within "
                + "pxtoken.checks.expiry-warning (7d)). See GET /v1/checks"), byClass.get("px-csi"));
        List<String> tenant = byClass.get("px-tenant");
        assertEquals(2, tenant.size(), tenant.toString());
        assertTrue(tenant.stream().anyMatch(m -> m.contains("Secret tenant-a/px-k8s-user") && m.contains(": bad-signature (bad-signature: it does not verify")));
        assertTrue(tenant.stream().anyMatch(m -> m.contains("Secret tenant-b/px-k8s-user") && m.contains(": missing-secret")));
        assertTrue(tenant.stream().noneMatch(m -> m.contains("tenant-c")), "not-permitted: nothing known, nothing claimed");
        assertTrue(byClass.get("px-old").get(0).contains("Secret portworx/px-expired") && byClass.get("px-old").get(0).contains(": expired (Token is expired)"));
        assertTrue(byClass.get("px-nokey").get(0).contains(": missing-key"));
        assertTrue(byClass.get("px-per-claim").get(0).contains("Secret tenant-a/db-token") && byClass.get("px-per-claim").get(0).contains(": not-a-token"));
        assertTrue(byClass.get("px-future").get(0).contains(": not-yet-valid (Token used before issued)"));

        Map<String, Integer> counts = new LinkedHashMap<>();
        events.forEach(e -> counts.put(e.getMetadata().getName(), e.getCount()));
        controller.runOnce();
        Map<String, Integer> again = new LinkedHashMap<>();
        checkEvents().stream().filter(e -> !e.getInvolvedObject().getName().equals("px-new"))
                .forEach(e -> again.put(e.getMetadata().getName(), e.getCount()));
        assertEquals(counts, again, "the same verdict makes no second Event, and counts none again, within the hour");
    }

    private List<io.fabric8.kubernetes.api.model.Event> checkEvents() {
        return server.getClient().v1().events().inNamespace(StorageClassEvents.NAMESPACE).list().getItems().stream()
                .filter(e -> ChecksController.EVENT_REASON.equals(e.getReason())).toList();
    }

    @Test
    void aNewStorageClassIsCheckedWithoutWaitingForTheInterval() throws Exception {
        controller.runOnce();
        storageClass(server.getClient(), "px-new", IN_TREE + "name", "px-nowhere", IN_TREE + "namespace", "portworx");
        within(Duration.ofSeconds(20), () -> given().get("/q/metrics").then().extract().asString()
                .contains(CheckMetrics.VERDICT + "{name=\"px-nowhere\",namespace=\"portworx\",verdict=\"missing-secret\"} 1.0"),
                "the informer's change ran the check");
        within(Duration.ofSeconds(10), () -> checkEvents().stream().anyMatch(e -> e.getInvolvedObject().getName().equals("px-new")
                && e.getMessage().contains("Secret portworx/px-nowhere")), "an Event on px-new");
        server.getClient().storage().v1().storageClasses().withName("px-new").delete();
        within(Duration.ofSeconds(20), () -> !given().get("/q/metrics").then().extract().asString().contains("name=\"px-nowhere\""),
                "a Secret no longer referenced loses its series");
    }

    @Test
    void onlyTheLeaderKeepsTheGauges() throws Exception {
        controller.runOnce();
        Supplier<List<io.fabric8.kubernetes.api.model.Event>> csi = () -> checkEvents().stream()
                .filter(e -> e.getInvolvedObject().getName().equals("px-csi")).toList();
        assertEquals(1, csi.get().size());
        int count = csi.get().get(0).getCount();
        String series = CheckMetrics.VERDICT + "{name=\"px-good\",namespace=\"portworx\",verdict=\"ok\"} 1.0";
        assertTrue(given().get("/q/metrics").then().extract().asString().contains(series));
        controllers.stopLeading();
        try {
            String metrics = given().get("/q/metrics").then().extract().asString();
            assertFalse(metrics.contains(CheckMetrics.VERDICT + "{"), "a replica that does not lead has no verdicts");
            assertFalse(metrics.contains(CheckMetrics.EXPIRATION + "{"));
            assertFalse(metrics.contains(CheckMetrics.BY_STORAGE_CLASS + "{"));
        } finally {
            controllers.startLeading();
        }
        within(Duration.ofSeconds(20), () -> given().get("/q/metrics").then().extract().asString().contains(series),
                "the new leader checks at once, without waiting for the interval");
        within(Duration.ofSeconds(10), () -> csi.get().get(0).getCount() > count, "the new leader counts the Event again");
        assertEquals(1, csi.get().size(), "the Event already there, not a second one");
    }
}
