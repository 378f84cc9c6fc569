package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pxtoken.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** No pxkeys mounted: the service runs, is not ready, and says which file is missing. */
@QuarkusTest
@TestProfile(NoSecretTest.Profile.class)
class NoSecretTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(TestKeys.profile(null));
            // the error this test is about, written while the instance starts
            m.put("quarkus.log.category.\"io.pxtoken.keys.SharedSecretStore\".level", "OFF");
            return m;
        }
    }

    @Test
    void isNotReady() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'shared-secret' }.data.problem", containsString("shared-secret does not exist"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void mintingAnswers503NamingTheFile() {
        given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:key-unavailable"))
                .body("detail", containsString("/shared-secret does not exist"));
        given().contentType("text/plain").body("a.b.c").post("/v1/tokens/verify").then().statusCode(200)
                .body("valid", equalTo(false));
    }

    @Test
    void badInputIsStillA400() {
        given().contentType("application/json").body("{\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(400);
    }

    @Test
    void issuerSaysTheKeyIsMissing() {
        given().get("/v1/issuer").then().statusCode(200)
                .body("keyFingerprint", nullValue())
                .body("keyProblem", containsString("does not exist"));
    }
}
