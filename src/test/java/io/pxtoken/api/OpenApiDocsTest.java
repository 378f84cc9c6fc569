package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The OpenAPI document as Swagger UI reads it: every content type of every request and response has an example, the
 * request examples work as they are against this (dev-like) instance, and no generated sample carries a trap.
 */
@QuarkusTest
class OpenApiDocsTest {

    private static final String PROBLEM = "application/problem+json";
    private static JsonNode doc;

    /** Read in each test: the test instance's port is only known once it runs. */
    @BeforeEach
    void load() throws Exception {
        if (doc == null) {
            doc = new ObjectMapper().readTree(given().accept("application/json").get("/q/openapi").then().statusCode(200)
                    .extract().asString());
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void everyRequestContentTypeHasTheSameNamedExamples() {
        for (String path : names(doc.get("paths"))) {
            for (String method : names(doc.get("paths").get(path))) {
                JsonNode content = doc.get("paths").get(path).get(method).path("requestBody").path("content");
                Set<String> keys = null;
                for (String type : names(content)) {
                    JsonNode examples = content.get(type).get("examples");
                    String where = method + " " + path + " " + type;
                    assertNotNull(examples, where + " has no examples");
                    Set<String> these = new HashSet<>(names(examples));
                    assertFalse(these.isEmpty(), where);
                    // Swagger UI keeps the chosen example's name when the content type changes; a name missing in
                    // another type makes it fall back to a sample generated from the schema
                    if (keys != null) {
                        assertEquals(keys, these, where);
                    }
                    keys = these;
                }
            }
        }
    }

    @Test
    void everyResponseWithABodyHasARealExample() {
        int checked = 0;
        for (String path : names(doc.get("paths"))) {
            for (String method : names(doc.get("paths").get(path))) {
                JsonNode responses = doc.get("paths").get(path).get(method).get("responses");
                for (String status : names(responses)) {
                    JsonNode content = responses.get(status).path("content");
                    for (String type : names(content)) {
                        String where = method + " " + path + " " + status + " " + type;
                        JsonNode examples = content.get(type).get("examples");
                        assertNotNull(examples, where + " has no example");
                        for (JsonNode example : examples) {
                            JsonNode value = example.get("value");
                            assertNotNull(value, where);
                            if (type.equals(PROBLEM)) {
                                assertEquals(Integer.parseInt(status), value.get("status").asInt(), where);
                                assertTrue(value.get("type").asText().startsWith("urn:pxtoken:problem:"), where);
                                assertFalse(value.get("detail").asText().isBlank(), where);
                            }
                            fitsSchema(value, content.get(type).get("schema"), where);
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 40, "examples checked: " + checked);
    }

    /** Every field of an example object is a property of its schema (so examples cannot drift from the records). */
    private static void fitsSchema(JsonNode value, JsonNode schema, String where) {
        if (schema == null) {
            return;
        }
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
            schema = doc.get("components").get("schemas").get(name);
        }
        if (value.isArray() && schema.has("items")) {
            for (JsonNode item : value) {
                fitsSchema(item, schema.get("items"), where);
            }
        } else if (value.isObject() && schema.has("properties")) {
            Iterator<String> fields = value.fieldNames();
            while (fields.hasNext()) {
                String field = fields.next();
                assertTrue(schema.get("properties").has(field), where + ": " + field + " is not in the schema");
            }
        }
    }

    @Test
    void theMintExamplesWorkAsTheyAreWithTheDurationFromTheQueryBox() {
        JsonNode mint = doc.get("paths").get("/v1/tokens").get("post");
        assertEquals("1y", mint.get("parameters").get(0).get("example").asText());
        JsonNode content = mint.get("requestBody").get("content");
        for (String type : names(content)) {
            for (JsonNode example : content.get(type).get("examples")) {
                JsonNode value = example.get("value");
                String body = value.isTextual() ? value.asText() : value.toString();
                assertFalse(body.contains("duration"), type + ": the query box's value must not be contradicted");
                assertFalse(body.contains("secret"), type + ": a secret block needs a cluster");
                given().contentType(type).body(body.getBytes(StandardCharsets.UTF_8)).queryParam("duration", "30d")
                        .post("/v1/tokens").then().statusCode(200).body("issuer", equalTo("portworx.com"));
            }
        }
    }

    @Test
    void aSampleGeneratedFromTheSchemaHasNoSecretBlockAndNoDuration() {
        JsonNode example = doc.get("components").get("schemas").get("MintRequest").get("example");
        assertNotNull(example);
        assertFalse(example.has("secret"));
        assertFalse(example.has("duration"));
        assertFalse(example.has("returnToken"));
    }

    @Test
    void theVerifyExamplesGetAVerdict() {
        JsonNode content = doc.get("paths").get("/v1/tokens/verify").get("post").get("requestBody").get("content");
        for (String type : names(content)) {
            for (JsonNode example : content.get(type).get("examples")) {
                JsonNode value = example.get("value");
                given().contentType(type).body(value.isTextual() ? value.asText() : value.toString())
                        .post("/v1/tokens/verify").then().statusCode(200)
                        .body("valid", equalTo(false)).body("reason", equalTo("my_issuer is not a trusted issuer"));
            }
        }
    }

    @Test
    void theRoughEdgesOfTheIssueAreGone() {
        JsonNode paths = doc.get("paths");
        assertTrue(paths.get("/v1/issuer").get("get").get("responses").has("200"));
        assertTrue(paths.get("/v1/tokens/verify").get("post").get("responses").has("415"));
        for (String status : List.of("502", "503", "504")) {
            assertTrue(paths.get("/v1/secrets").get("get").get("responses").has(status), status);
            assertTrue(paths.get("/v1/secrets/{namespace}/{name}").get("delete").get("responses").has(status), status);
        }
        for (String schema : List.of("Violation", "ManagedSecret")) {
            JsonNode properties = doc.get("components").get("schemas").get(schema).get("properties");
            for (String field : names(properties)) {
                assertTrue(properties.get(field).has("description"), schema + "." + field + " has no description");
            }
        }
    }

    @Test
    void withAuthenticationOffNothingAsksForAToken() {
        // tests run with pxtoken.auth.enabled=false, as quarkus:dev does: no Authorize button, no padlocks
        assertTrue(!doc.path("components").has("securitySchemes"), "securitySchemes: " + doc.path("components").path("securitySchemes"));
        assertTrue(!doc.has("security"));
        doc.get("paths").forEach(item -> item.forEach(op -> assertTrue(!op.has("security"), op.path("operationId").asText())));
    }

    @Test
    void theRootLeadsToSwaggerUi() {
        given().redirects().follow(false).get("/").then().statusCode(302)
                .header("Location", anyOf(equalTo("/q/swagger-ui/"), equalTo("http://localhost/q/swagger-ui/")));
        given().get("/").then().statusCode(200).contentType("text/html");
    }
}
