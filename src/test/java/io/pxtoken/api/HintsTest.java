package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

/** The mistakes a newcomer makes first get a hint beside the detail or Portworx's reason, never instead of it. */
@QuarkusTest
class HintsTest {

    private static String mint() {
        return given().contentType("application/json").accept("text/plain")
                .body("{\"name\":\"n\",\"roles\":[\"system.user\"]}").post("/v1/tokens").then().statusCode(200)
                .extract().asString().strip();
    }

    @Test
    void adminYamlSentAsJsonIsRefusedWithAHint() {
        given().contentType("application/json").body(OpenApiExamples.ADMIN_YAML.getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("body: cannot be parsed (line 1"))
                .body("errors[0].field", equalTo("body"))
                .body("hint", containsString("Content-Type: application/yaml"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"name\": \"n\", roles}", "{\"name\": yes}", "{} name: x" })
    void brokenJsonGetsNoYamlHint(String body) {
        given().contentType("application/json").body(body)
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("body"))
                .body("$", not(hasKey("hint")));
    }

    @Test
    void aBearerPrefixKeepsPortworxsReasonAndAddsAHint() {
        given().contentType("text/plain").body("Bearer " + mint()).post("/v1/tokens/verify").then().statusCode(200)
                .body("valid", equalTo(false))
                .body("reason", equalTo("tokenstring should not contain 'bearer '"))
                .body("hint", equalTo(Hints.BEARER_PREFIX));
    }

    @Test
    void aBareTokenSentToVerifyAsJsonGetsTheVerifyHint() {
        // Swagger UI's verify defaults to application/json: a pasted token is not JSON, and the hint is verify's own
        given().contentType("application/json").body(mint()).post("/v1/tokens/verify").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"))
                .body("hint", equalTo(Hints.VERIFY_NOT_JSON));
    }

    @Test
    void aWholeMintAnswerSentToVerifyAsJsonGetsAHint() {
        String response = given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(200).extract().asString();
        given().contentType("application/json").body(response).post("/v1/tokens/verify").then().statusCode(400)
                .body("detail", startsWith("issuer: is not a known field"))
                .body("hint", equalTo(Hints.WHOLE_RESPONSE));
        // an unknown field that is not from a mint answer gets no hint
        given().contentType("application/json").body("{\"token\":\"x\",\"tokne\":\"y\"}").post("/v1/tokens/verify").then()
                .statusCode(400).body("$", not(hasKey("hint")));
    }

    @Test
    void aWholeMintResponsePastedAsTheTokenGetsAHint() {
        String response = given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(200).extract().asString();
        given().contentType("text/plain").body(response).post("/v1/tokens/verify").then().statusCode(200)
                .body("valid", equalTo(false))
                .body("reason", not(equalTo(null)))
                .body("hint", equalTo(Hints.WHOLE_RESPONSE));
    }

    @Test
    void aGoodTokenHasNoHint() {
        given().contentType("text/plain").body(mint() + "\n").post("/v1/tokens/verify").then().statusCode(200)
                .body("valid", equalTo(true)).body("$", not(hasKey("hint")));
    }

    @Test
    void verifysUnsupportedMediaTypeSaysWhatVerifyTakes() {
        given().contentType("application/yaml").body("token: x".getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens/verify").then().statusCode(415)
                .body("detail", containsString("text/plain")).body("detail", not(containsString("YAML")));
    }

    @Test
    void aScalarWhereGroupsBelongIsExplainedWithAGroupsExample() {
        given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"],\"groups\":\"*\"}")
                .post("/v1/tokens").then().statusCode(400)
                .body("errors[0].field", equalTo("groups"))
                .body("errors[0].reason", equalTo("must be a list of strings, e.g. [\"*\"]"));
    }

    @Test
    void listingAndDeletingWithoutAClusterSayWhatTheyCouldNotDo() {
        given().get("/v1/secrets").then().statusCode(503)
                .body("detail", containsString("no token Secrets to list"))
                .body("detail", not(containsString("mint"))).body("detail", not(containsString("no token was issued")));
        given().delete("/v1/secrets/portworx/px-k8s-user").then().statusCode(503)
                .body("detail", containsString("no token Secrets to delete"))
                .body("detail", not(containsString("mint"))).body("detail", not(containsString("no token was issued")));
    }
}
