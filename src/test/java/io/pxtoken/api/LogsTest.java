package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pxtoken.LogCapture;
import io.pxtoken.TestKeys;
import io.quarkus.test.junit.QuarkusTest;

/** No token or secret ever reaches a log line, whatever the request does. */
@QuarkusTest
class LogsTest {

    @Test
    void noTokenOrSecretIsLogged() {
        List<String> tokens = new ArrayList<>();
        List<String> lines;
        try (LogCapture logs = LogCapture.start()) {
            tokens.add(given().contentType("application/json")
                    .body("{\"name\":\"Log Test\",\"email\":\"log@example.com\",\"roles\":[\"system.admin\"],\"groups\":[\"*\"]}")
                    .post("/v1/tokens").then().statusCode(200).extract().path("token"));
            tokens.add(given().contentType("application/yaml").accept("text/plain")
                    .body("name: Log Test\nroles: [system.user]\n".getBytes(StandardCharsets.UTF_8))
                    .post("/v1/tokens").then().statusCode(200).extract().asString().strip());
            for (String token : tokens) {
                given().contentType("text/plain").body(token).post("/v1/tokens/verify").then().statusCode(200);
                given().contentType("text/plain").body(token + "x").post("/v1/tokens/verify").then().statusCode(200);
                given().contentType("application/json").body(Map.of("token", token)).post("/v1/tokens/verify").then().statusCode(200);
                // a token pasted into the wrong places
                given().contentType("application/json").body("{\"token\": " + token + "}").post("/v1/tokens/verify").then().statusCode(400);
                given().contentType("application/json").body("{\"name\":\"" + token + "\",\"roles\":[\"" + token + "\"]}")
                        .post("/v1/tokens").then().statusCode(400);
                given().contentType("application/json").queryParam("duration", token)
                        .body("{\"name\":\"n\",\"roles\":[\"system.user\"]}").post("/v1/tokens").then().statusCode(400);
            }
            lines = logs.lines();
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("io.pxtoken.audit ") && l.contains("\"action\":\"mint\"")),
                "the capture sees the service's log: " + lines);

        String secret = new String(TestKeys.secret(), StandardCharsets.UTF_8);
        for (String line : lines) {
            assertFalse(line.contains(secret), "secret in log line: " + line);
            for (String token : tokens) {
                for (String part : token.split("\\.")) {
                    assertFalse(part.length() > 20 && line.contains(part), "token in log line: " + line);
                }
            }
        }
    }
}
