package io.pxtoken.api;

import static io.pxtoken.api.VerifyResourceTest.validExactlyBetween;
import static io.pxtoken.token.KnownAnswers.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pxtoken.TestClock;
import io.pxtoken.TestAsymmetricKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * V1 from the Portworx docs, checked by the verify endpoint at its own time (issuer my_issuer, a 16-byte secret), and
 * its RS256 and ES256 counterparts V3 and V4 with the committed test-only keys mounted beside the secret, as an admin
 * mounts them ({@link io.pxtoken.token.AsymmetricKnownAnswerTest} says how they were made).
 */
@QuarkusTest
@TestProfile(KnownAnswerV1Test.Profile.class)
class KnownAnswerV1Test {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(TestAsymmetricKeys.profile(V1_SECRET, pem(V3_RSA_KEY), pem(V4_ECDSA_KEY)));
            m.put("pxtoken.issuer", V1_ISSUER);
            m.put("pxtoken.keys.allow-weak-secret", "true");
            // the docs' secret is weak on purpose; the warnings about it are expected
            m.put("quarkus.log.category.\"io.pxtoken.keys.SharedSecretStore\".level", "ERROR");
            return m;
        }
    }

    @Inject
    TestClock clock;

    @AfterEach
    void release() {
        clock.release();
    }

    @Test
    void isValidFromIatUntilExp() {
        validExactlyBetween(clock, V1, V1_IAT, V1_EXP);
    }

    @Test
    void rs256AndEs256VectorsAreValidFromIatUntilExp() {
        validExactlyBetween(clock, V3, V1_IAT, V1_EXP);
        validExactlyBetween(clock, V4, V1_IAT, V1_EXP);
    }

    @Test
    void aTamperedEs256VectorIsRefusedInPortworxsWords() {
        String[] parts = V4.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"system.user\"", "\"system.admin\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        clock.pin(V1_IAT);
        VerifyResourceTest.expect(tampered, false, "crypto/ecdsa: verification error");
        VerifyResourceTest.expect(V4, true, null);
    }

    @Test
    void theIssuerShowsTheKeysOpensslFingerprinted() {
        given().get("/v1/issuer").then().statusCode(200)
                .body("keys.find { it.algorithm == 'RS256' }.fingerprint", equalTo(V3_RSA_FINGERPRINT))
                .body("keys.find { it.algorithm == 'ES256' }.fingerprint", equalTo(V4_ECDSA_FINGERPRINT));
    }
}
