package io.pxtoken.api;

import static io.pxtoken.token.KnownAnswers.V2;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pxtoken.TestClock;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class VerifyResourceTest {

    @Inject
    TestClock clock;

    @AfterEach
    void release() {
        clock.release();
    }

    static void expect(String token, boolean valid, String reason) {
        given().contentType("text/plain").body(token).post("/v1/tokens/verify").then().statusCode(200)
                .contentType("application/json")
                .body("valid", equalTo(valid))
                .body("reason", reason == null ? nullValue() : equalTo(reason));
    }

    /** A known-answer token is valid from its iat until just before its exp, and nowhere else. */
    static void validExactlyBetween(TestClock clock, String token, long iat, long exp) {
        clock.pin(iat);
        expect(token, true, null);
        clock.pin(exp - 1);
        expect(token, true, null);
        clock.pin(exp);
        expect(token, false, "Token is expired");
        clock.pin(iat - 1);
        expect(token, false, "Token used before issued");
        clock.release();
        expect(token, false, "Token is expired");
    }

    private static Map<String, Object> mint() {
        return given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}")
                .queryParam("duration", "1h").post("/v1/tokens").then().statusCode(200).extract().as(Map.class);
    }

    @Test
    void acceptsAFreshTokenAsJsonOrText() {
        Map<String, Object> minted = mint();
        String token = (String) minted.get("token");
        expect(token, true, null);
        expect(token + "\n", true, null);
        given().contentType("application/json").body(Map.of("token", token)).post("/v1/tokens/verify").then()
                .statusCode(200).body("valid", equalTo(true))
                .body("claims.roles[0]", equalTo("system.user"))
                .body("claims.jti", equalTo(minted.get("jti")))
                .body("expiresAt", equalTo(minted.get("expiresAt")));
    }

    @Test
    void saysWhenATokenHasExpiredOrIsNotYetIssued() {
        String token = (String) mint().get("token");
        long now = Instant.now().getEpochSecond();
        clock.pin(now + 3601);
        expect(token, false, "Token is expired");
        clock.pin(now - 3600);
        expect(token, false, "Token used before issued");
    }

    @Test
    void saysWhenATokenWasTampered() {
        String[] p = ((String) mint().get("token")).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                .replace("system.user", "system.admin");
        expect(p[0] + "." + b64(payload) + "." + p[2], false, "signature is invalid");
    }

    @Test
    void saysWhenTheIssuerIsNotTrusted() {
        expect(V2, false, "operator.portworx.io is not a trusted issuer");
    }

    @Test
    void refusesAlgNone() {
        String[] p = ((String) mint().get("token")).split("\\.");
        expect(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + p[1] + ".", false, "Unknown token algorithm: none");
    }

    @Test
    void needsAToken() {
        given().contentType("text/plain").body(" ").post("/v1/tokens/verify").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("token"));
        given().contentType("application/json").body("{}").post("/v1/tokens/verify").then().statusCode(400)
                .body("errors[0].field", equalTo("token"));
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
