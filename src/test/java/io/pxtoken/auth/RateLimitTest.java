package io.pxtoken.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pxtoken.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(RateLimitTest.Profile.class)
class RateLimitTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.auth.enabled", "true", "pxtoken.rate-limit.burst", "3", "pxtoken.rate-limit.rate", "0.2");
        }
    }

    @Test
    void answers429WithRetryAfterPastTheBurst() {
        String flood = TestTokens.portworx("flood@example.com", "system.view");
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", "Bearer " + flood).get("/v1/issuer").then().statusCode(200);
        }
        given().header("Authorization", "Bearer " + flood).get("/v1/issuer").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .header("Retry-After", equalTo("5"))
                .body("type", equalTo("urn:pxtoken:problem:rate-limited"));
        // limits are per caller: someone else is not held back
        given().header("Authorization", "Bearer " + TestTokens.portworx("calm@example.com", "system.view"))
                .get("/v1/issuer").then().statusCode(200);
    }
}
