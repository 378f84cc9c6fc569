package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;

/**
 * JSON bodies are strict: exactly one value, claims that are strings, text UTF-8 can carry. And an empty duration is
 * refused wherever it is given, as pxctl refuses {@code --token-duration=}.
 */
@QuarkusTest
class StrictJsonBodyTest {

    static final String CLAIMS = "\"name\":\"n\",\"roles\":[\"system.user\"]";

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {CLAIMS} xyz                                        | body      | cannot be parsed
            {CLAIMS}{}                                          | body      | has more after the JSON value
            {CLAIMS}[1]                                         | body      | has more after the JSON value
            {"name":5,"roles":["system.user"]}                  | name      | must be a string
            {"name":"n","sub":true,"roles":["system.user"]}     | sub       | must be a string
            {"name":"n","email":1.5,"roles":["system.user"]}    | email     | must be a string
            {"name":"n","roles":[1]}                            | roles[0]  | must be a string
            {"name":"n","roles":["system.user"],"groups":[false]} | groups[0] | must be a string
            {"name":"a\\ud800b","roles":["system.user"]}        | name      | lone surrogate
            {"name":"n","roles":["system.user"],"groups":["\\udc00"]} | groups[0] | lone surrogate
            {"name":"n","sub":"\\ud83d","roles":["system.user"]} | sub      | lone surrogate
            {CLAIMS,"duration":""}                              | duration  | is empty
            """)
    void refusesNamingTheField(String body, String field, String reason) {
        given().contentType("application/json").body(body.replace("{CLAIMS}", "{" + CLAIMS + "}")
                .replace("{CLAIMS,", "{" + CLAIMS + ",").getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(field))
                .body("errors[0].reason", containsString(reason));
    }

    @Test
    void acceptsWhitespaceAfterTheObjectAndSurrogatePairs() {
        given().contentType("application/json").body(("{" + CLAIMS + "}\n \t").getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(200);
        given().contentType("application/json").body("{\"name\":\"a\\ud83d\\ude00b\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(200);
    }

    @ParameterizedTest
    @CsvSource({ "?duration=", "?duration", "?duration=&duration=1d" })
    void refusesAnEmptyDurationInTheQuery(String query) {
        given().contentType("application/json").body("{" + CLAIMS + "}").post("/v1/tokens" + query)
                .then().statusCode(400).body("errors[0].field", equalTo("duration"))
                .body("errors[0].reason", containsString("is empty"));
        given().contentType("application/json").accept("text/plain").body("{" + CLAIMS + "}").post("/v1/tokens" + query)
                .then().statusCode(400).body("errors[0].field", equalTo("duration"));
    }

    @Test
    void refusesAnEmptyDurationInYaml() {
        given().contentType("application/yaml").body("name: n\nroles: [system.user]\nduration: ''\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("duration"));
        // no value at all is no duration: the default
        given().contentType("application/yaml").body("name: n\nroles: [system.user]\nduration:\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(200);
    }

    @Test
    void aVerifyBodyIsStrictToo() {
        given().contentType("application/json").body("{\"token\":5}").post("/v1/tokens/verify").then().statusCode(400)
                .body("errors[0].field", equalTo("token"));
        given().contentType("application/json").body("{\"token\":\"a.b.c\"} {}").post("/v1/tokens/verify").then()
                .statusCode(400).body("errors[0].field", equalTo("body"));
    }
}
