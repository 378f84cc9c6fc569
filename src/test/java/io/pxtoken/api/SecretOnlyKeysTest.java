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

/** Only the shared secret: asking for RS256 names the missing file. */
@QuarkusTest
@TestProfile(SecretOnlyKeysTest.Profile.class)
class SecretOnlyKeysTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestAsymmetricKeys.profile("0123456789abcdef0123456789abcdef-secret-only", null, null);
        }
    }

    @Test
    void aKeyNotLoadedIsA400NamingTheFile() {
        given().contentType("application/json").body(AsymmetricKeysTest.BODY).post("/v1/tokens?algorithm=RS256").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("algorithm"))
                .body("detail", containsString("rsa-private-key does not exist"));
    }
}
