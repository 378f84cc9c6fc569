package io.pxtoken.renewal;

import static io.pxtoken.Eventually.within;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.QuickLease;
import io.pxtoken.TestAsymmetricKeys;
import io.pxtoken.TestKeys;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.kube.ManagedSecrets;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The bridge through the real renewal controller against the mock API server, as the README's rotation procedure runs
 * it: with {@code managed-algorithm=RS256}, a Secret holding an HS256 token is re-signed RS256 by the leader (Event
 * {@code Resigned}, {@code GET /v1/secrets} and {@code pxtoken_managed_secrets} show RS256); then the shared secret
 * rotates and the RS256 token is left as it is, still valid under the RSA key Portworx trusts.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(BridgeRenewalTest.Profile.class)
class BridgeRenewalTest {

    static final String FIRST = "a".repeat(64);
    static final String SECOND = "b".repeat(64);
    static Path dir;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> keys = TestAsymmetricKeys.profile(FIRST, TestAsymmetricKeys.pkcs8(TestAsymmetricKeys.RSA), null);
            dir = Path.of(keys.get("pxtoken.keys.dir"));
            return QuickLease.with(Map.ofEntries(Map.entry("pxtoken.keys.dir", dir.toString()),
                    Map.entry("pxtoken.keys.generate-if-missing", "false"),
                    Map.entry("pxtoken.kubernetes.enabled", "true"),
                    Map.entry("pxtoken.secrets.namespaces", "test"),
                    Map.entry("pxtoken.renewal.enabled", "true"),
                    Map.entry("pxtoken.renewal.tick", "50ms"),
                    Map.entry("pxtoken.signing.managed-algorithm", "RS256")));
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    RenewalController controller;

    @BeforeEach
    void leader() throws InterruptedException {
        within(Duration.ofSeconds(30), controller::leading, "this replica leads");
    }

    private Secret secret(String name) {
        return server.getClient().secrets().inNamespace("test").withName(name).get();
    }

    @Test
    void anHs256SecretIsResignedRs256AndSurvivesTheSharedSecretRotation() throws Exception {
        String rsaFingerprint = SharedSecret.fingerprint(TestAsymmetricKeys.RSA.getPublic().getEncoded());
        given().contentType("application/json").body("{\"name\":\"Bridged\",\"email\":\"b@example.com\",\"roles\":[\"system.user\"],"
                + "\"duration\":\"30d\",\"secret\":{\"namespace\":\"test\",\"name\":\"bridged\"}}")
                .post("/v1/tokens?algorithm=HS256").then().statusCode(200).body("algorithm", equalTo("HS256"));

        within(Duration.ofSeconds(20), () -> "RS256".equals(ManagedSecrets.algorithm(secret("bridged"))), "re-signed RS256");
        Secret s = secret("bridged");
        assertEquals(rsaFingerprint, s.getMetadata().getAnnotations().get(ManagedSecrets.KEY_FINGERPRINT));
        SignedJWT jwt = SignedJWT.parse(ManagedSecrets.token(s));
        assertTrue(jwt.verify(new RSASSAVerifier((RSAPublicKey) TestAsymmetricKeys.RSA.getPublic())));
        assertTrue(server.getClient().v1().events().inNamespace("test").list().getItems().stream()
                .anyMatch(e -> "bridged".equals(e.getInvolvedObject().getName()) && "Resigned".equals(e.getReason())
                        && e.getMessage().contains("Re-signed RS256 with key " + rsaFingerprint)));
        given().get("/v1/secrets?namespace=test").then().statusCode(200)
                .body("find { it.name == 'bridged' }.algorithm", equalTo("RS256"))
                .body("find { it.name == 'bridged' }.keyFingerprint", equalTo(rsaFingerprint))
                .body("find { it.name == 'bridged' }.currentKey", equalTo(true));
        given().get("/q/metrics").then().body(containsString(
                "pxtoken_managed_secrets{algorithm=\"RS256\",fingerprint=\"" + rsaFingerprint + "\"} 1.0"));

        String jti = s.getMetadata().getAnnotations().get(ManagedSecrets.JTI);
        TestKeys.write(dir, SECOND);
        String second = SharedSecret.fingerprint(SECOND.getBytes(StandardCharsets.US_ASCII));
        within(Duration.ofSeconds(20), () -> second.equals(given().get("/v1/issuer").then().extract().path("keyFingerprint")),
                "the new shared secret is adopted");
        // a few renewal ticks (50 ms each) after the rotation: an RS256 token does not use the shared secret
        Thread.sleep(500);
        assertEquals(jti, secret("bridged").getMetadata().getAnnotations().get(ManagedSecrets.JTI),
                "a shared-secret change re-signs only the tokens that use it");
    }
}
