package io.pxtoken.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pxtoken.QuietLogs;
import io.pxtoken.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Rotating the mounted secret without a restart: new tokens are signed with the new value within 5 seconds, and a
 * broken file never replaces a good key. Uses its own key directory so the other tests' secret stays put.
 */
@QuarkusTest
@TestProfile(KeyRotationTest.Profile.class)
class KeyRotationTest {

    /** What this test provokes on purpose stays off the console (printed if a test fails). */
    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.keys.SharedSecretStore");

    static final String FIRST = "1".repeat(64);
    static final String SECOND = "2".repeat(64);
    static java.nio.file.Path dir;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = TestKeys.profile(FIRST);
            dir = java.nio.file.Path.of(config.get("pxtoken.keys.dir"));
            // the production default: rotation must be seen within 5 s with it
            return Map.of("pxtoken.keys.dir", dir.toString(), "pxtoken.keys.generate-if-missing", "false",
                    "pxtoken.keys.reload-interval", "1s");
        }
    }

    static String mintedFingerprint() {
        return given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(200).extract().path("keyFingerprint");
    }

    static void within(Duration limit, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadline, "not within " + limit);
            Thread.sleep(100);
        }
    }

    @Test
    void rotatesWithoutRestartAndKeepsTheLastGoodKey() throws Exception {
        String first = SharedSecret.fingerprint(FIRST.getBytes(StandardCharsets.UTF_8));
        String second = SharedSecret.fingerprint(SECOND.getBytes(StandardCharsets.UTF_8));
        assertEquals(first, mintedFingerprint());

        TestKeys.write(dir, SECOND);
        long started = System.nanoTime();
        within(Duration.ofSeconds(5), () -> second.equals(mintedFingerprint()));
        System.out.printf("rotation adopted after %d ms%n", (System.nanoTime() - started) / 1_000_000);
        String token = given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(200).extract().path("token");
        TestKeys.verified(token, SECOND.getBytes(StandardCharsets.UTF_8));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("pxtoken_shared_secret_info{fingerprint=\"" + second + "\"} 1.0"), "the new key's fingerprint");
        assertFalse(metrics.contains("fingerprint=\"" + first + "\""), "the old one is gone");
        assertTrue(metrics.contains("pxtoken_shared_secret_loaded 1.0"));

        // a half-written (too short) file, then a vanished one: the good key stays and health says why
        TestKeys.write(dir, "half");
        within(Duration.ofSeconds(5), () -> given().get("/q/health/ready").then().extract()
                .<String> path("checks.find { it.name == 'shared-secret' }.data.problem") != null);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'shared-secret' }.data.fingerprint", equalTo(second))
                .body("checks.find { it.name == 'shared-secret' }.data.problem", containsString("4-byte secret"));
        assertEquals(second, mintedFingerprint());

        java.nio.file.Files.delete(dir.resolve("shared-secret"));
        within(Duration.ofSeconds(5), () -> given().get("/q/health/ready").then().extract()
                .<String> path("checks.find { it.name == 'shared-secret' }.data.problem").contains("does not exist"));
        assertEquals(second, mintedFingerprint());
        given().get("/v1/issuer").then().body("keyFingerprint", equalTo(second)).body("keyProblem", containsString("does not exist"));

        TestKeys.write(dir, FIRST);
        within(Duration.ofSeconds(5), () -> first.equals(mintedFingerprint()));
    }
}
