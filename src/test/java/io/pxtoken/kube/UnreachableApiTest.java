package io.pxtoken.kube;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pxtoken.QuietLogs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A configured API server that nobody answers on. */
@QuarkusTest
@TestProfile(UnreachableApiTest.Profile.class)
class UnreachableApiTest {

    /** What this test provokes on purpose stays off the console (printed if a test fails). */
    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.kube.TokenSecrets");

    /** Free once closed: connections to it are refused. Chosen once, as the profile is read twice. */
    static final int PORT = closedPort();

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "portworx",
                    "quarkus.kubernetes-client.api-server-url", "https://127.0.0.1:" + PORT,
                    "quarkus.kubernetes-client.trust-certs", "true",
                    "pxtoken.kubernetes.timeout", "2s",
                    // the API server URL differs from the one of the build this profile restarts: expected here
                    "quarkus.log.category.\"io.quarkus.runtime.configuration.ConfigRecorder\".level", "ERROR");
        }
    }

    @Test
    void isA503AndNoToken() {
        given().contentType("application/json")
                .body("{\"name\":\"n\",\"roles\":[\"system.user\"],\"secret\":{\"namespace\":\"portworx\",\"name\":\"px-k8s-user\"}}")
                .post("/v1/tokens").then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:kubernetes-unreachable"))
                .body("token", nullValue());
    }

    @Test
    void mintingWithoutASecretStillWorks() {
        given().contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}")
                .post("/v1/tokens").then().statusCode(200);
    }
}
