package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pxtoken.Eventually;
import io.pxtoken.LogCapture;
import io.pxtoken.TestAsymmetricKeys;
import io.pxtoken.keys.SharedSecret;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** All three keys mounted: the RSA one as PKCS#1, the ECDSA one as SEC1 after its EC PARAMETERS block. */
@QuarkusTest
@TestProfile(AsymmetricKeysTest.Profile.class)
class AsymmetricKeysTest {

    static final String BODY = "{\"name\":\"Storage Administrator\",\"email\":\"admin@example.com\",\"roles\":[\"system.admin\"]}";

    static String header(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestAsymmetricKeys.profile("0123456789abcdef0123456789abcdef-all-keys",
                    TestAsymmetricKeys.pkcs1(TestAsymmetricKeys.RSA), TestAsymmetricKeys.sec1(TestAsymmetricKeys.EC));
        }
    }

    @Test
    void theAlgorithmComesFromTheBodyOrTheQuery() {
        String rs = given().contentType("application/json").body(BODY).post("/v1/tokens?algorithm=RS256")
                .then().statusCode(200).body("algorithm", equalTo("RS256"))
                .body("keyFingerprint", equalTo(SharedSecret.fingerprint(TestAsymmetricKeys.RSA.getPublic().getEncoded())))
                .extract().path("token");
        assertTrue(header(rs).contains("\"alg\":\"RS256\"") && header(rs).contains("\"typ\":\"JWT\""), header(rs));
        String es = given().contentType("application/json").body(BODY.replace("{", "{\"algorithm\":\"ES256\","))
                .post("/v1/tokens").then().statusCode(200).body("algorithm", equalTo("ES256")).extract().path("token");
        given().contentType("text/plain").body(rs).post("/v1/tokens/verify").then().statusCode(200).body("valid", equalTo(true));
        given().contentType("text/plain").body(es).post("/v1/tokens/verify").then().statusCode(200).body("valid", equalTo(true));
        given().contentType("application/json").body(BODY).post("/v1/tokens").then().statusCode(200)
                .body("algorithm", equalTo("HS256"));
    }

    /** The audit line of a mint names its algorithm (and key), never the token or a key's bytes. */
    @Test
    void theAuditLineNamesTheAlgorithm() throws InterruptedException {
        try (LogCapture logs = LogCapture.start()) {
            List<String> tokens = new ArrayList<>();
            for (String alg : List.of("RS256", "ES256", "HS256")) {
                tokens.add(given().contentType("application/json").body(BODY).post("/v1/tokens?algorithm=" + alg).then()
                        .statusCode(200).extract().path("token"));
            }
            Eventually.within(Duration.ofSeconds(10), () -> audits(logs).size() >= 3, "three mint audit lines");
            List<String> audits = audits(logs);
            for (String alg : List.of("RS256", "ES256", "HS256")) {
                assertTrue(audits.stream().anyMatch(l -> l.endsWith("\"algorithm\":\"" + alg + "\"}")), alg + " in " + audits);
            }
            String rsaKey = Base64.getEncoder().encodeToString(TestAsymmetricKeys.RSA.getPrivate().getEncoded()).substring(100, 140);
            for (String line : logs.lines()) {
                for (String token : tokens) {
                    for (String part : token.split("\\.")) {
                        assertFalse(part.length() > 20 && line.contains(part), "token in log line: " + line);
                    }
                }
                assertFalse(line.contains(rsaKey), "private key bytes in log line: " + line);
            }
        }
    }

    private static List<String> audits(LogCapture logs) {
        return logs.lines().stream().filter(l -> l.startsWith("io.pxtoken.audit ") && l.contains("\"action\":\"mint\"")).toList();
    }

    @Test
    void aBadOrConflictingAlgorithmIsA400() {
        given().contentType("application/json").body(BODY).post("/v1/tokens?algorithm=rs256").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("algorithm"))
                .body("errors[0].reason", containsString("upper case"));
        given().contentType("application/json").body(BODY).post("/v1/tokens?algorithm=PS256").then().statusCode(400)
                .body("errors[0].reason", containsString("HS256, RS256, ES256"));
        given().contentType("application/json").body(BODY.replace("{", "{\"algorithm\":\"ES256\","))
                .post("/v1/tokens?algorithm=RS256").then().statusCode(400).body("errors[0].field", equalTo("algorithm"));
    }

    @Test
    void theIssuerListsThePublicKeys() {
        given().get("/v1/issuer").then().statusCode(200)
                .body("keys.algorithm", hasItems("HS256", "RS256", "ES256"))
                .body("keys.find { it.algorithm == 'RS256' }.file", equalTo("rsa-private-key"))
                .body("keys.find { it.algorithm == 'RS256' }.publicKeyPem", equalTo(TestAsymmetricKeys.publicPem(TestAsymmetricKeys.RSA)))
                .body("keys.find { it.algorithm == 'ES256' }.publicKeyPem", startsWith("-----BEGIN PUBLIC KEY-----\n"))
                .body("keys.find { it.algorithm == 'ES256' }.fingerprint",
                        equalTo(SharedSecret.fingerprint(TestAsymmetricKeys.EC.getPublic().getEncoded())))
                .body("jwks.keys.kty", hasItems("RSA", "EC"))
                .body("jwks.keys.find { it.kty == 'EC' }.crv", equalTo("P-256"))
                .body(org.hamcrest.Matchers.not(containsString("PRIVATE")));
    }

    /** An HS256 token for issuer {@code iss}, signed by nimbus with {@code secret}, valid now. */
    static String hs256(String iss, String secret) {
        try {
            long now = System.currentTimeMillis() / 1000;
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256).type(com.nimbusds.jose.JOSEObjectType.JWT).build(),
                    com.nimbusds.jwt.JWTClaimsSet.parse("{\"iss\":\"" + iss + "\",\"sub\":\"s\",\"name\":\"n\",\"email\":\"\",\"roles\":[\"system.user\"],\"iat\":"
                            + (now - 60) + ",\"exp\":" + (now + 3600) + "}"));
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
