package io.pxtoken.api;

import static io.pxtoken.auth.FakeKubernetesAuth.mint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import io.pxtoken.LogCapture;
import io.pxtoken.auth.Audit;
import io.pxtoken.auth.FakeKubernetesAuth;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every {@code /v1} answer, whatever went wrong, is authenticated first, is problem+json (or the operation's own
 * type) and leaves exactly one audit line; a connection that stops sending is closed.
 */
@QuarkusTest
@WithKubernetesTestServer(setup = EnforcedRbac.class)
@TestProfile(HttpHygieneTest.Profile.class)
class HttpHygieneTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.auth.enabled", "true", "pxtoken.kubernetes.enabled", "true",
                    "pxtoken.http.read-timeout", "2s", "pxtoken.rate-limit.burst", "1000");
        }
    }

    static final String CALLER = "hygiene-caller-token";
    static final String BIG = "{\"name\":\"" + "n".repeat(70_000) + "\",\"roles\":[\"system.user\"]}";

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @BeforeEach
    void fakeKubernetes() {
        FakeKubernetesAuth kube = new FakeKubernetesAuth();
        kube.install(server);
        kube.users.put(CALLER, "system:serviceaccount:apps:hygiene");
        kube.grant("system:serviceaccount:apps:hygiene", mint("roles"), mint("groups"), mint("subjects"));
    }

    @AfterEach
    void reset() {
        server.getKubernetesMockServer().reset();
    }

    record Case(String name, int status, Function<RequestSpecification, Response> send) {
    }

    static final List<Case> CASES = List.of(
            new Case("405", 405, r -> r.put("/v1/tokens")),
            new Case("405 on an unknown method", 405, r -> r.patch("/v1/issuer")),
            new Case("415", 415, r -> r.contentType("text/csv").body("a,b").post("/v1/tokens")),
            new Case("malformed Content-Type", 400, r -> r.header("Content-Type", "a/b/c;;=").body("x".getBytes(StandardCharsets.US_ASCII)).post("/v1/tokens")),
            new Case("413 declared", 413, r -> r.contentType("application/json").body(BIG).post("/v1/tokens")),
            new Case("404", 404, r -> r.get("/v1/nothing-here")),
            new Case("OPTIONS", 200, r -> r.options("/v1/tokens")));

    @Test
    void withoutACallerEveryRequestIsA401ProblemAndOneAuditLine() throws Exception {
        for (Case c : CASES) {
            List<String> audit;
            Response r;
            try (LogCapture logs = LogCapture.start()) {
                r = c.send().apply(given());
                audit = auditLines(logs);
            }
            assertEquals(401, r.statusCode(), c.name());
            assertEquals("application/problem+json", r.contentType(), c.name());
            assertEquals("urn:pxtoken:problem:unauthenticated", r.jsonPath().getString("type"), c.name());
            assertEquals(1, audit.size(), c.name() + ": " + audit);
            assertTrue(audit.get(0).contains("\"status\":401"), audit.get(0));
        }
    }

    @Test
    void withACallerEveryFailureIsAProblemAndOneAuditLine() throws Exception {
        for (Case c : CASES) {
            List<String> audit;
            Response r;
            try (LogCapture logs = LogCapture.start()) {
                r = c.send().apply(given().header("Authorization", "Bearer " + CALLER));
                audit = auditLines(logs);
            }
            assertEquals(c.status(), r.statusCode(), c.name() + ": " + r.asString());
            if (c.status() >= 400) {
                assertEquals("application/problem+json", r.contentType(), c.name());
                assertEquals(c.status(), r.jsonPath().getInt("status"), c.name());
            } else {
                assertTrue(r.header("Allow").contains("POST"), c.name());
            }
            assertEquals(1, audit.size(), c.name() + ": " + audit);
            assertTrue(audit.get(0).contains("\"status\":" + c.status()), audit.get(0));
            assertTrue(audit.get(0).contains("\"caller\":\"system:serviceaccount:apps:hygiene\""), audit.get(0));
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413ProblemAfterAuthentication() throws Exception {
        String anonymous = chunked(null);
        assertTrue(anonymous.startsWith("HTTP/1.1 401"), anonymous);
        String answer = chunked(CALLER);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
        assertTrue(answer.contains("\"type\":\"urn:pxtoken:problem:body-too-large\""), answer);
    }

    /** POSTs BIG in 4 KiB chunks (no Content-Length) on a raw connection; the whole answer as text. */
    private String chunked(String bearer) throws Exception {
        try (Socket socket = new Socket("localhost", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/tokens HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] body = BIG.getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < body.length; i += 4096) {
                    int n = Math.min(4096, body.length - i);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, i, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException e) {
                // the server may answer and close before the whole body is sent
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aMissingCredentialIsAChallengeWithoutAnErrorCode() {
        given().get("/v1/issuer").then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer realm=\"px-token-service\""));
        given().header("Authorization", "Bearer nope").get("/v1/issuer").then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"px-token-service\", error=\"invalid_token\""));
    }

    @Test
    void aHalfSentRequestIsDroppedAfterTheReadTimeout() throws Exception {
        try (LogCapture logs = LogCapture.start();
                Socket socket = new Socket("localhost", io.restassured.RestAssured.port)) {
            // generous bound: the service closes after pxtoken.http.read-timeout (2 s here); the test fails only if
            // the connection is still open after 30 s
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/tokens HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + CALLER
                    + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"name\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            try {
                while (in.read() != -1) {
                    // whatever is answered, the connection must end
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the half-sent request still held its connection after 30 s");
            } catch (java.net.SocketException e) {
                // reset by the server: closed, as it should be
            }
            // the dropped request's audit line comes when the server has closed it: let it land here, not in the
            // capture of whichever test runs next
            auditLines(logs);
        }
    }

    private static List<String> auditLines(LogCapture logs) throws InterruptedException {
        // the audit line is written when the answer ends, which may be a moment after the client has read it
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> lines;
        do {
            lines = logs.lines().stream().filter(l -> l.startsWith(Audit.LOGGER + " ")).toList();
            if (!lines.isEmpty()) {
                Thread.sleep(50);
                return logs.lines().stream().filter(l -> l.startsWith(Audit.LOGGER + " ")).toList();
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return lines;
    }
}
