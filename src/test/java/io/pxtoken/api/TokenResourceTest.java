package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jwt.SignedJWT;

import io.pxtoken.TestKeys;
import io.pxtoken.keys.SharedSecret;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.LogConfig;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

@QuarkusTest
class TokenResourceTest {

    /** The setup guide's admin.yaml with its placeholders filled in, exactly as pxctl reads it. */
    static final String ADMIN_YAML = OpenApiExamples.ADMIN_YAML;


    /** RestAssured cannot encode a String for YAML content types; bytes go as they are. */
    static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/yaml", "application/x-yaml", "text/yaml" })
    void mintsFromAnUnmodifiedAuthConfigFile(String contentType) throws Exception {
        long before = Instant.now().getEpochSecond();
        ExtractableResponse<Response> r = given().contentType(contentType).body(bytes(ADMIN_YAML))
                .queryParam("duration", "1y")
                .post("/v1/tokens").then().statusCode(200).contentType("application/json")
                .body("issuer", equalTo("portworx.com"))
                .body("subject", equalTo("admin@example.com"))
                .body("roles", equalTo(List.of("system.admin")))
                .body("groups", equalTo(List.of("*")))
                .body("jti", notNullValue())
                .body("keyFingerprint", equalTo(SharedSecret.fingerprint(TestKeys.secret())))
                .extract();
        SignedJWT jwt = TestKeys.verified(r.path("token"), TestKeys.secret());
        Map<String, Object> c = jwt.getJWTClaimsSet().toJSONObject();
        assertEquals("Storage Administrator", c.get("name"));
        assertEquals("admin@example.com", c.get("email"));
        long iat = ((Number) c.get("iat")).longValue();
        long exp = ((Number) c.get("exp")).longValue();
        assertTrue(iat >= before - 600 && iat <= Instant.now().getEpochSecond() - 600, "iat is now - 10m");
        assertTrue(exp - (iat + 600) == 365 * 86400L, "exp is now + 1y");
        assertEquals(Instant.ofEpochSecond(exp).toString(), r.path("expiresAt"));
        assertEquals(Instant.ofEpochSecond(iat).toString(), r.path("issuedAt"));
        assertEquals(r.path("jti"), c.get("jti"));
    }

    @Test
    void mintsFromJsonWithTheDefaultDuration() throws Exception {
        String token = given().contentType("application/json")
                .body("{\"name\":\"Kubernetes User\",\"email\":\"k8s@example.com\",\"roles\":[\"system.user\"],\"groups\":[\"kubernetes\"]}")
                .post("/v1/tokens").then().statusCode(200)
                .body("subject", equalTo("b3BlbnN0b3JhZ2UuaW8vS3ViZXJuZXRlcyBVc2VyL2s4c0BleGFtcGxlLmNvbQ=="))
                .extract().path("token");
        Map<String, Object> c = TestKeys.verified(token, TestKeys.secret()).getJWTClaimsSet().toJSONObject();
        assertEquals(86400L + 600, ((Number) c.get("exp")).longValue() - ((Number) c.get("iat")).longValue());
    }

    @Test
    void answersTheBareTokenForTextPlain() {
        String body = given().contentType("application/yaml").accept("text/plain").body(bytes(ADMIN_YAML))
                .post("/v1/tokens").then().statusCode(200).contentType(containsString("text/plain"))
                .body(matchesPattern("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n"))
                .extract().asString();
        TestKeys.verified(body.strip(), TestKeys.secret());
    }

    @Test
    void answersJsonByDefault() {
        given().contentType("application/yaml").accept("*/*").body(bytes(ADMIN_YAML))
                .post("/v1/tokens").then().statusCode(200).contentType("application/json").body("token", notNullValue());
    }

    @Test
    void ignoresUnknownYamlKeysAsPxctlDoes() {
        given().contentType("application/yaml").body(bytes(ADMIN_YAML + "rules: [{services: ['*']}]\nfavourite: tea\n"))
                .post("/v1/tokens").then().statusCode(200);
    }

    @Test
    void keepsGroupsAsGiven() {
        given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.view\"],\"groups\":[]}")
                .post("/v1/tokens").then().statusCode(200).body("groups", equalTo(List.of()));
        given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.view\"]}")
                .post("/v1/tokens").then().statusCode(200).body("containsKey('groups')", equalTo(false));
    }

    @Test
    void takesTheDurationFromBodyOrQueryButNotBothDifferent() {
        String body = "{\"name\":\"n\",\"roles\":[\"system.user\"],\"duration\":\"2h\"}";
        given().contentType("application/json").body(body).queryParam("duration", "2h")
                .post("/v1/tokens").then().statusCode(200);
        given().contentType("application/json").body(body).queryParam("duration", "3h")
                .post("/v1/tokens").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("duration"))
                .body("errors[0].reason", containsString("give it once"));
    }

    @Test
    void refusesADurationOverTheMaximum() {
        given().contentType("application/yaml").body(bytes(ADMIN_YAML)).queryParam("duration", "2y")
                .post("/v1/tokens").then().statusCode(400)
                .body("errors[0].field", equalTo("duration"))
                .body("errors[0].reason", containsString("maximum of 1y"));
    }

    /** Each bad input gets a 400 problem naming the field and why. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            application/json | {"roles":["system.user"]}                                   | name        | blank
            application/json | {"name":"  ","roles":["system.user"]}                       | name        | blank
            application/json | {"name":"n","email":"not-an-email","roles":["system.user"]} | email       | not an email
            application/json | {"name":"n"}                                                | roles       | at least one role
            application/json | {"name":"n","roles":[]}                                     | roles       | at least one role
            application/json | {"name":"n","roles":["system.root"]}                        | roles[0]    | unknown role 'system.root'
            application/json | {"name":"n","roles":["system.user","system.user"]}          | roles[1]    | listed twice
            application/json | {"name":"n","roles":["system.user",""]}                     | roles[1]    | blank
            application/json | {"name":"n","roles":["system.user",null]}                   | roles[1]    | blank
            application/json | {"name":"n","roles":["system.user"],"groups":["a","a"]}     | groups[1]   | listed twice
            application/json | {"name":"n","roles":"system.admin"}                         | roles       | must be a list of strings
            application/json | {"name":"n","roles":["system.user"],"groups":"*"}           | groups      | must be a list of strings
            application/json | {"name":["n"],"roles":["system.user"]}                      | name        | must be a string
            application/json | {"name":"n","roles":[["system.user"]]}                      | roles[0]    | must be a string
            application/json | {"name":"n","roles":["system.user"],"admin":true}           | admin       | not a known field
            application/json | {"name":"n","roles":["system.user"],"duration":"1w"}        | duration    | not a duration
            application/json | {"name":"n","roles":["system.user"],"duration":"0s"}        | duration    | already expired
            application/json | {"name":"n","roles":["system.user"],"duration":"293y"}      | duration    | longer than Portworx can represent
            application/json | {"name":"n","roles":["system.user"]                         | body        | cannot be parsed
            application/json | [1,2]                                                       | body        | must be an object
            application/json | '   '                                                       | body        | is required
            application/yaml | 'name: n\nroles: system.admin'                              | roles       | must be a list of strings
            application/yaml | 'name: n\nroles: [system.user'                              | body        | cannot be parsed
            application/yaml | '\tname: n'                                                  | body        | cannot be parsed
            application/yaml | '- just\n- a list'                                          | body        | must be an object
            """)
    void refusesBadInputNamingTheField(String contentType, String body, String field, String reason) {
        given().contentType(contentType).body(bytes(body.replace("\\n", "\n")))
                .post("/v1/tokens").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:invalid-request"))
                .body("title", equalTo("Invalid request"))
                .body("status", equalTo(400))
                .body("instance", equalTo("/v1/tokens"))
                .body("detail", containsString(field))
                .body("errors.field", hasItem(field))
                .body("errors.find { it.field == '" + field + "' }.reason", containsString(reason));
    }

    @Test
    void refusesAnEmptyBody() {
        given().contentType("application/json").post("/v1/tokens").then().statusCode(400)
                .body("errors[0].field", equalTo("body")).body("errors[0].reason", equalTo("is required"));
    }

    @Test
    void refusesOversizedStringsAndLists() {
        String longName = "n".repeat(257);
        given().contentType("application/json").body("{\"name\":\"" + longName + "\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("name"))
                .body("errors[0].reason", containsString("at most 256"));
        String groups = "\"g\"," .repeat(40) + "\"last\"";
        given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"],\"groups\":[" + groups + "]}")
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("groups"));
    }

    /** A billion-laughs document: aliases are not expanded, so it costs nothing and the ignored keys stay ignored. */
    @Test
    void aYamlAliasBombIsNotExpanded() {
        StringBuilder y = new StringBuilder("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p)
                    .append(",*").append(p).append("]\n");
        }
        y.append("name: n\nroles: [system.user]\n");
        given().contentType("application/yaml").body(bytes(y.toString())).post("/v1/tokens").then().statusCode(200)
                .body("roles", equalTo(List.of("system.user")));
        given().contentType("application/yaml").body(bytes(y + "groups: *k\n")).post("/v1/tokens").then().statusCode(400);
    }

    @ParameterizedTest
    @ValueSource(strings = { "text/plain", "application/x-www-form-urlencoded", "application/xml" })
    void refusesOtherContentTypesWith415(String contentType) {
        // RestAssured's log-if-validation-fails pretty-prints the request first: on "name=n" as application/xml, the
        // JDK's XML parser would print "[Fatal Error] :1:1: Content is not allowed in prolog." to stderr
        given().config(RestAssured.config().logConfig(LogConfig.logConfig().enablePrettyPrinting(false)))
                .contentType(contentType).body("name=n").post("/v1/tokens").then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:unsupported-media-type"))
                .body("detail", containsString("application/yaml"));
    }

    @Test
    void refusesABodyOver64KiBWith413() {
        String filler = "x".repeat(64 * 1024);
        given().contentType("application/json").body("{\"name\":\"" + filler + "\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:body-too-large"))
                .body("detail", containsString("65536"));
    }

    @Test
    void aBodyOfExactly64KiBIsRead() {
        String prefix = "{\"roles\":[\"system.user\"],\"name\":\"";
        String body = prefix + "x".repeat(64 * 1024 - prefix.length() - 2) + "\"}";
        assertEquals(64 * 1024, body.length());
        given().contentType("application/json").body(body).post("/v1/tokens").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
    }

    @Test
    void problemsNeverEchoTheBody() {
        String secretLooking = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl";
        String problem = given().contentType("application/json").body("{\"name\": " + secretLooking + "}")
                .post("/v1/tokens").then().statusCode(400).extract().asString();
        assertFalse(problem.contains("eyJhbGci"), problem);
        for (String body : List.of("{\"name\":\"n\",\"roles\":[\"" + secretLooking + "\"]}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"groups\":[\"" + secretLooking + "\",\"" + secretLooking + "\"]}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"duration\":\"" + secretLooking + "\"}")) {
            String p = given().contentType("application/json").body(body).post("/v1/tokens").then().statusCode(400)
                    .extract().asString();
            assertFalse(p.contains("eyJhbGci"), p);
            assertTrue(p.contains("(value not shown)") || p.contains("looks like a token"), p);
        }
    }

    @Test
    void unknownPathsAreProblemsToo() {
        given().get("/v1/nothing").then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404)).body("errors", nullValue());
        given().get("/v1/tokens").then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void withoutAClusterASecretRequestIsA503AndMintingAloneStillWorks() {
        given().contentType("application/json")
                .body("{\"name\":\"n\",\"roles\":[\"system.user\"],\"secret\":{\"namespace\":\"portworx\",\"name\":\"px-k8s-user\"}}")
                .post("/v1/tokens").then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:kubernetes-not-configured"))
                .body("detail", containsString("mint without 'secret'"))
                .body("token", nullValue());
        given().get("/v1/secrets").then().statusCode(503);
    }
}
