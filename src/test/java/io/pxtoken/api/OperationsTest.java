package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pxtoken.TestKeys;
import io.pxtoken.keys.SharedSecret;
import io.quarkus.test.junit.QuarkusTest;

/** Issuer, health, metrics, OpenAPI and Swagger UI. */
@QuarkusTest
class OperationsTest {

    @Test
    void issuerTellsWhatSignsButNeverTheSecret() {
        String secret = new String(TestKeys.secret(), StandardCharsets.UTF_8);
        String body = given().get("/v1/issuer").then().statusCode(200)
                .body("issuer", equalTo("portworx.com"))
                .body("algorithm", equalTo("HS256"))
                .body("keyFingerprint", equalTo(SharedSecret.fingerprint(TestKeys.secret())))
                .body("keyLoadedAt", notNullValue())
                .body("defaultDuration", equalTo("1d"))
                .body("maxDuration", equalTo("1y"))
                .body("allowedRoles", equalTo(List.of("system.admin", "system.user", "system.view")))
                .extract().asString();
        assertFalse(body.contains(secret));
    }

    @Test
    void readinessReportsTheSharedSecret() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'shared-secret' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'shared-secret' }.data.fingerprint", equalTo(SharedSecret.fingerprint(TestKeys.secret())));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsCountTokensRejectionsAndSigningTime() {
        given().contentType("application/json").body("{\"name\":\"m\",\"roles\":[\"system.view\"]}").post("/v1/tokens").then().statusCode(200);
        given().contentType("application/json").body("{\"name\":\"m\",\"roles\":[\"bogus\"]}").post("/v1/tokens").then().statusCode(400);
        given().contentType("text/plain").body("a.b").post("/v1/tokens/verify").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("pxtoken_tokens_issued_total{role=\"system.view\"}"))
                .body(containsString("pxtoken_rejections_total{reason=\"invalid-request\"}"))
                .body(containsString("pxtoken_signing_seconds_count"))
                .body(containsString("pxtoken_verifications_total{result=\"malformed\"}"));
    }

    @Test
    void openApiDocumentsEveryEndpointWithTheGuidesExamples() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItem("/v1/tokens"))
                .body("paths.keySet()", hasItem("/v1/tokens/verify"))
                .body("paths.keySet()", hasItem("/v1/issuer"))
                .body("paths.'/v1/tokens'.post.requestBody.content.'application/yaml'.examples.admin.value",
                        containsString("roles: [\"system.admin\"]"))
                .body("paths.'/v1/tokens'.post.requestBody.content.'application/yaml'.examples.kube.value",
                        containsString("groups: [\"kubernetes\"]"))
                .body("paths.'/v1/tokens'.post.responses.keySet()", hasItem("400"))
                .body("paths.'/v1/tokens'.post.responses.keySet()", hasItem("415"))
                .body("paths.'/v1/tokens'.post.responses.keySet()", hasItem("503"))
                .body("paths.'/v1/tokens'.post.responses.'400'.content.keySet()", hasItem("application/problem+json"))
                .body("components.schemas.MintRequest.properties.keySet()", hasItem("duration"))
                .body("components.schemas.MintRequest.properties.roles.description", containsString("never a scalar"))
                .body("components.schemas.Problem.properties.keySet()", hasItem("errors"));
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    void metricsAndHealthNeverShowTheSecret() {
        String secret = new String(TestKeys.secret(), StandardCharsets.UTF_8);
        given().get("/q/metrics").then().body(not(containsString(secret)));
        given().get("/q/health").then().body(not(containsString(secret)));
    }
}
