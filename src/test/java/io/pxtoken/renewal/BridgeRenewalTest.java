package io.pxtoken.renewal;

import static io.pxtoken.Eventually.within;
import static io.pxtoken.token.KnownAnswers.V3_RSA_FINGERPRINT;
import static io.pxtoken.token.KnownAnswers.V3_RSA_KEY;
import static io.pxtoken.token.KnownAnswers.pem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.LogCapture;
import io.pxtoken.LeaderProfile;
import io.pxtoken.TestAsymmetricKeys;
import io.pxtoken.TestClock;
import io.pxtoken.TestKeys;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SigningAlgorithm;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.Verification;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The README section "Rotate the shared secret without one refused volume operation", step by step as written, against
 * the mock API server with the real service (keys directory, renewal controller, re-signing, {@code /v1/issuer},
 * {@code /v1/secrets}, metrics). After each step every managed Secret's token is checked with the project's
 * Portworx-exact verifier holding the key set Portworx nodes hold at that step:
 * <ol start="0">
 * <li>before: managed-algorithm HS256, {@value #SECRETS} Secrets signed with the old secret; nodes trust {OLD}</li>
 * <li>{@code rsa-private-key} added to the keys directory: {@code /v1/issuer} lists RS256 with openssl's fingerprint</li>
 * <li>the public key taken out of {@code /v1/issuer}'s {@code publicKeyPem} and given to Portworx: nodes {OLD, RSA}</li>
 * <li>managed-algorithm RS256: every Secret re-signed RS256 (Events, {@code /v1/secrets}, gauge); each token now passes
 * on a node before the rotation {OLD, RSA} and after it {NEW, RSA}</li>
 * <li>the shared secret rotated: no Secret changes, all ready; the rollout's two node states accept every token</li>
 * <li>back to HS256: every Secret re-signed HS256 with the new secret's fingerprint; valid on {NEW, RSA} and {NEW}</li>
 * </ol>
 * The {@code kubectl set env ... PXTOKEN_SIGNING_MANAGED_ALGORITHM} of steps 3 and 5 is played by
 * {@link RedeployedManagedAlgorithm} (the value the rolled-out pods read); the Portworx rollouts by the key sets.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(BridgeRenewalTest.Profile.class)
class BridgeRenewalTest {

    static final int SECRETS = 12;
    static final String OLD = "a".repeat(64);
    static final String NEW = "b".repeat(64);
    static final String ISSUER = "portworx.com";
    static Path dir;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            LeaderProfile profile = LeaderProfile.keys(TestAsymmetricKeys.profile(OLD, null, null)).namespaces("test")
                    .tick("50ms");
            dir = profile.keysDir();
            return profile.with("pxtoken.issuer", ISSUER).with("pxtoken.kubernetes.qps", "200").build();
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(RedeployedManagedAlgorithm.class);
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    RenewalController controller;

    @Inject
    RedeployedManagedAlgorithm deployment;

    @Inject
    TestClock clock;

    @BeforeEach
    void leader() throws InterruptedException {
        within(Duration.ofSeconds(30), controller::leading, "this replica leads");
    }

    /** A Portworx node: the keys it read at its last start. */
    record Node(String secret, PublicKey rsa) {
        Verification check(String token, Instant now) {
            SharedSecret s = secret == null ? null : new SharedSecret(secret.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
            return new TokenVerifier(ISSUER, () -> s, a -> null, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))
                    .verifyWith(s, rsa, null, token);
        }
    }

    @Test
    void theReadmeRotationStepByStep() throws Exception {
        // 0. the state the procedure starts from: HS256 tokens of the old secret in managed Secrets
        for (int i = 0; i < SECRETS; i++) {
            given().contentType("application/json").body("{\"name\":\"user-" + i + "\",\"email\":\"u" + i + "@example.com\","
                    + "\"roles\":[\"system.user\"],\"duration\":\"30d\",\"secret\":{\"namespace\":\"test\",\"name\":\"px-" + i + "\"}}")
                    .post("/v1/tokens").then().statusCode(200).body("algorithm", equalTo("HS256"));
        }
        Node before = new Node(OLD, null);
        everyTokenPasses(List.of(before));

        // 1. rsa-private-key beside the shared secret (the patch of pxkeys and the mounted item)
        TestAsymmetricKeys.write(dir, "rsa-private-key", pem(V3_RSA_KEY));
        within(Duration.ofSeconds(10), () -> V3_RSA_FINGERPRINT.equals(issuerKey("RS256", "fingerprint")),
                "/v1/issuer lists RS256 with the fingerprint openssl prints for the key");
        assertEquals(Map.of("HS256", SECRETS), algorithms(), "managed-algorithm is still HS256: nothing re-signed");

        // 2. the public key, as `jq -r '.keys[] | select(.algorithm=="RS256") | .publicKeyPem'` gives it, to Portworx
        String pem = issuerKey("RS256", "publicKeyPem");
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n"), "SubjectPublicKeyInfo, the form openstorage loads");
        PublicKey rsa = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
        Node withRsa = new Node(OLD, rsa);
        String rs256 = given().contentType("application/json").body("{\"name\":\"admin\",\"roles\":[\"system.admin\"]}")
                .post("/v1/tokens?algorithm=RS256").then().statusCode(200).extract().path("token");
        assertTrue(withRsa.check(rs256, clock.instant()).valid(), "a node that got the key accepts an RS256 token");
        assertEquals("key is of invalid type", before.check(rs256, clock.instant()).reason(), "a node that did not get it");
        everyTokenPasses(List.of(withRsa));

        // 3. managed-algorithm RS256; wait until /v1/secrets shows only RS256 and the gauge has no HS256 left
        Map<String, String> hsJtis = jtis();
        List<String> lines;
        try (LogCapture logs = LogCapture.start()) {
            deployment.redeploy(SigningAlgorithm.RS256);
            within(Duration.ofSeconds(20), () -> Map.of("RS256", SECRETS).equals(algorithms()), "every Secret shows RS256");
            within(Duration.ofSeconds(10), () -> resignLines(logs).size() >= SECRETS, "a log line per re-signed Secret");
            lines = logs.lines();
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("Re-signed Secret test/px-0: jti=") && l.contains(" alg=RS256 key "
                + V3_RSA_FINGERPRINT)), "the re-sign line names the algorithm: " + lines);
        for (Secret s : server.getClient().secrets().inNamespace("test").list().getItems()) {
            String signature = ManagedSecrets.token(s) == null ? null : ManagedSecrets.token(s).substring(ManagedSecrets.token(s).lastIndexOf('.') + 1);
            assertTrue(signature == null || lines.stream().noneMatch(l -> l.contains(signature)), "no token in a log line");
        }
        within(Duration.ofSeconds(10), () -> managedGauge().equals(Map.of("RS256 " + V3_RSA_FINGERPRINT, SECRETS)),
                "sum by (algorithm) (pxtoken_managed_secrets) has no HS256");
        for (int i = 0; i < SECRETS; i++) {
            String name = "px-" + i;
            assertTrue(server.getClient().v1().events().inNamespace("test").list().getItems().stream()
                    .anyMatch(e -> name.equals(e.getInvolvedObject().getName()) && "Resigned".equals(e.getReason())
                            && e.getMessage().contains("Re-signed RS256 with key " + V3_RSA_FINGERPRINT)), name);
            assertTrue(!hsJtis.get(name).equals(jtis().get(name)), name + " holds a new token");
        }
        Node after = new Node(NEW, rsa);
        everyTokenPasses(List.of(withRsa, after));

        // 4. the shared secret rotated; Portworx rolls node by node: both node states meet every token
        Map<String, String> rsJtis = jtis();
        TestKeys.write(dir, NEW);
        String newFingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(NEW.getBytes(StandardCharsets.UTF_8)), 0, 8); // printf %s "$NEW" | sha256sum | cut -c1-16
        within(Duration.ofSeconds(10), () -> newFingerprint.equals(given().get("/v1/issuer").then().extract().path("keyFingerprint")),
                "/v1/issuer shows the new keyFingerprint");
        // a Secret minted HS256 after the rotation and converted by the leader: the controller has run since
        given().contentType("application/json").body("{\"name\":\"witness\",\"roles\":[\"system.user\"],\"duration\":\"30d\","
                + "\"secret\":{\"namespace\":\"test\",\"name\":\"witness\"}}").post("/v1/tokens?algorithm=HS256").then().statusCode(200);
        within(Duration.ofSeconds(20), () -> "RS256".equals(ManagedSecrets.algorithm(secret("witness"))), "the witness re-signed RS256");
        Map<String, String> now = jtis();
        now.remove("witness");
        assertEquals(rsJtis, now, "no Secret changed: RS256 tokens do not use the shared secret");
        given().get("/q/metrics").then().body(containsString("pxtoken_secret_ready{name=\"px-0\",namespace=\"test\"} 1.0"));
        assertEquals(SECRETS + 1, readyGauges().get("1.0"), "pxtoken_secret_ready stays 1: " + readyGauges());
        everyTokenPasses(List.of(withRsa, after));

        // 5. back to HS256 once every node runs the new secret: the check of step 3 with HS256 and the new fingerprint
        deployment.redeploy(SigningAlgorithm.HS256);
        within(Duration.ofSeconds(20), () -> Map.of("HS256 " + newFingerprint, SECRETS + 1).equals(algorithmsAndKeys()),
                "every Secret shows HS256 with the new secret's fingerprint");
        within(Duration.ofSeconds(10), () -> managedGauge().equals(Map.of("HS256 " + newFingerprint, SECRETS + 1)),
                "the gauge counts every Secret as HS256 with the new secret");
        everyTokenPasses(List.of(after, new Node(NEW, null)));
        String any = ManagedSecrets.token(secret("px-0"));
        assertEquals("signature is invalid", before.check(any, clock.instant()).reason(),
                "a node still on the old secret would refuse it: step 5 waits for the rollout's end");
    }

    private static List<String> resignLines(LogCapture logs) {
        return logs.lines().stream().filter(l -> l.contains("Re-signed Secret test/")).toList();
    }

    /** Every managed Secret's token is valid on each node. */
    private void everyTokenPasses(List<Node> nodes) {
        List<Secret> all = server.getClient().secrets().inNamespace("test").list().getItems().stream()
                .filter(ManagedSecrets::managed).toList();
        assertTrue(all.size() >= SECRETS, "managed Secrets: " + all.size());
        List<String> refused = new ArrayList<>();
        Instant now = clock.instant();
        for (Secret s : all) {
            for (Node n : nodes) {
                Verification v = n.check(ManagedSecrets.token(s), now);
                if (!v.valid()) {
                    refused.add(s.getMetadata().getName() + " on " + (n.rsa == null ? "{secret}" : "{secret, RSA}") + ": " + v.reason());
                }
            }
        }
        assertEquals(List.of(), refused);
    }

    private Secret secret(String name) {
        return server.getClient().secrets().inNamespace("test").withName(name).get();
    }

    private static String issuerKey(String algorithm, String field) {
        List<Map<String, Object>> keys = given().get("/v1/issuer").then().statusCode(200).extract().path("keys");
        return keys.stream().filter(k -> algorithm.equals(k.get("algorithm"))).map(k -> (String) k.get(field))
                .findFirst().orElse(null);
    }

    /** {@code curl $URL/v1/secrets | jq -r '.[].algorithm' | sort | uniq -c}. */
    private static Map<String, Integer> algorithms() {
        List<Map<String, Object>> rows = given().get("/v1/secrets").then().statusCode(200).extract().path("$");
        return rows.stream().collect(Collectors.toMap(r -> (String) r.get("algorithm"), r -> 1, Integer::sum, TreeMap::new));
    }

    /** {@code jq -r '.[] | .algorithm + " " + .keyFingerprint' | sort | uniq -c}. */
    private static Map<String, Integer> algorithmsAndKeys() {
        List<Map<String, Object>> rows = given().get("/v1/secrets").then().statusCode(200).extract().path("$");
        return rows.stream().collect(Collectors.toMap(r -> r.get("algorithm") + " " + r.get("keyFingerprint"), r -> 1,
                Integer::sum, TreeMap::new));
    }

    private Map<String, String> jtis() {
        List<Map<String, Object>> rows = given().get("/v1/secrets").then().statusCode(200).extract().path("$");
        return rows.stream().collect(Collectors.toMap(r -> (String) r.get("name"), r -> (String) r.get("jti"), (a, b) -> a,
                TreeMap::new));
    }

    /** The non-zero series of {@code pxtoken_managed_secrets{algorithm,fingerprint}}. */
    private static Map<String, Integer> managedGauge() {
        Matcher m = Pattern.compile("(?m)^pxtoken_managed_secrets\\{algorithm=\"(\\w+)\",fingerprint=\"(\\w+)\"} ([0-9.]+)$")
                .matcher(given().get("/q/metrics").then().extract().asString());
        Map<String, Integer> series = new TreeMap<>();
        while (m.find()) {
            int n = (int) Double.parseDouble(m.group(3));
            if (n > 0) {
                series.put(m.group(1) + " " + m.group(2), n);
            }
        }
        return series;
    }

    /** How many {@code pxtoken_secret_ready} series have each value. */
    private static Map<String, Integer> readyGauges() {
        Matcher m = Pattern.compile("(?m)^pxtoken_secret_ready\\{[^}]*} ([0-9.]+)$")
                .matcher(given().get("/q/metrics").then().extract().asString());
        Map<String, Integer> values = new TreeMap<>();
        while (m.find()) {
            values.merge(m.group(1), 1, Integer::sum);
        }
        return values;
    }
}
