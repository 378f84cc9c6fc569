package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pxtoken.TestAsymmetricKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Portworx may trust only an RSA key: no shared secret, a broken ECDSA file. */
@QuarkusTest
@TestProfile(RsaOnlyKeysTest.Profile.class)
class RsaOnlyKeysTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(TestAsymmetricKeys.profile(null,
                    TestAsymmetricKeys.pkcs8(TestAsymmetricKeys.RSA), TestAsymmetricKeys.pkcs8(TestAsymmetricKeys.ec("secp384r1"))));
            m.put("pxtoken.signing.algorithm", "RS256");
            m.put("quarkus.log.category.\"io.pxtoken.keys\".level", "OFF");
            return m;
        }
    }

    @Test
    void readyAndSigningRs256() {
        given().get("/q/health/ready").then().statusCode(200);
        String rs = given().contentType("application/json").body(AsymmetricKeysTest.BODY).post("/v1/tokens").then().statusCode(200)
                .body("algorithm", equalTo("RS256")).extract().path("token");
        given().contentType("text/plain").body(rs).post("/v1/tokens/verify").then().body("valid", equalTo(true));
    }

    @Test
    void hs256IsA400AndAnHsTokenGetsPortworxsWords() {
        given().contentType("application/json").body(AsymmetricKeysTest.BODY).post("/v1/tokens?algorithm=HS256").then().statusCode(400)
                .body("detail", containsString("shared-secret does not exist"));
        given().contentType("text/plain").body(io.pxtoken.token.KnownAnswers.V1).post("/v1/tokens/verify").then()
                .statusCode(200).body("valid", equalTo(false));
    }

    @Test
    void aConfiguredKeyThatFailsToLoadIsA503() {
        given().contentType("application/json").body(AsymmetricKeysTest.BODY).post("/v1/tokens?algorithm=ES256").then().statusCode(503)
                .contentType("application/problem+json").body("detail", containsString("ecdsa-private-key"));
        given().get("/q/metrics").then().body(containsString("pxtoken_signing_key_refusals_total{algorithm=\"ES256\",file=\"ecdsa-private-key\"} 1.0"))
                .body(containsString("pxtoken_signing_key_loaded{algorithm=\"RS256\"} 1.0"));
    }
}
