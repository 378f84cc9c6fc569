package io.pxtoken.api;

import static io.pxtoken.auth.FakeKubernetesAuth.mint;
import static io.pxtoken.auth.FakeKubernetesAuth.secrets;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import io.pxtoken.TestKeys;
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
 * Hostile bearers, tokens and bodies through every {@code /v1} route: the answer is a 4xx problem or a verdict, never
 * a 5xx, except the documented 502/503/504 of a dependency.
 */
@QuarkusTest
@WithKubernetesTestServer(setup = EnforcedRbac.class)
@TestProfile(NoServerErrorTest.Profile.class)
class NoServerErrorTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.auth.enabled", "true", "pxtoken.auth.portworx.enabled", "true",
                    "pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "test",
                    "pxtoken.rate-limit.enabled", "false", "pxtoken.rate-limit.per-address.enabled", "false");
        }
    }

    static final String CALLER = "no-5xx-caller";
    /** Dependency failures a route may document; anything else at 5xx is a bug. */
    static final Set<String> DOCUMENTED_5XX = Set.of("key-unavailable", "kubernetes-not-configured", "kubernetes-unreachable",
            "kubernetes-timeout", "kubernetes-forbidden", "kubernetes-error", "kubernetes-conflict", "auth-unavailable",
            "reviews-busy");

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @BeforeEach
    void fakeKubernetes() {
        FakeKubernetesAuth kube = new FakeKubernetesAuth();
        kube.install(server);
        kube.users.put(CALLER, "system:serviceaccount:apps:no-5xx");
        kube.grant("system:serviceaccount:apps:no-5xx", mint("roles"), mint("groups"), mint("subjects"),
                secrets("create", "test"), secrets("update", "test"), secrets("list", "test"), secrets("delete", "test"));
    }

    @AfterEach
    void reset() {
        server.getKubernetesMockServer().reset();
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** header.payload signed with the test shared secret, whatever the two hold. */
    static String signed(String header, String payload) {
        try {
            String input = b64(header) + "." + b64(payload);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(TestKeys.secret(), "HmacSHA256"));
            return input + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> hostileTokens() {
        String h = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        String base = "\"iss\":\"portworx.com\",\"sub\":\"x\",\"name\":\"x\",\"roles\":[\"system.admin\"],";
        List<String> t = new ArrayList<>();
        for (String exp : List.of("1e17", "1e300", "-1e300", "9223372036854775807", "9223372036854775808",
                "123456789012345678901234567890", "0.5", "-1", "null", "\"tomorrow\"", "[1]", "{}", "true", "1e-400")) {
            t.add(signed(h, "{" + base + "\"iat\":1,\"exp\":" + exp + "}"));
            t.add(signed(h, "{" + base + "\"iat\":" + exp + ",\"exp\":4102444800}"));
            t.add(signed(h, "{" + base + "\"nbf\":" + exp + ",\"exp\":4102444800}"));
        }
        for (String payload : List.of("[]", "null", "1", "\"s\"", "{", "{}}", "\uFEFF{}", "{\"iss\":\"portworx.com\"} xyz",
                "{\"iss\":\"portworx.com\",\"Iss\":\"evil\",\"sub\":\"x\",\"exp\":4102444800}",
                "{\"iss\":[\"portworx.com\"]}", "{\"iss\":\"portworx.com\",\"roles\":\"system.admin\",\"exp\":4102444800}",
                "{\"iss\":\"portworx.com\",\"roles\":[1,null,{}],\"sub\":\"x\",\"exp\":4102444800}",
                "{\"iss\":\"portworx.com\",\"sub\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                "{\"iss\":\"portworx.com\",\"sub\":\"\\ud800\",\"exp\":4102444800}")) {
            t.add(signed(h, payload));
        }
        for (String header : List.of("{}", "[]", "null", "{\"alg\":null}", "{\"alg\":1}", "{\"alg\":\"none\"}",
                "{\"alg\":\"RS256\"}", "{\"alg\":\"HS256\",\"alg\":\"none\"}", "not json")) {
            t.add(signed(header, "{" + base + "\"exp\":4102444800}"));
        }
        t.addAll(List.of("a", "a.b", "a.b.c.d", "..", "....", "eyJ.eyJ.eyJ", "%%%.%%%.%%%", "e30.e30.", "Bearer x.y.z",
                "e30." + b64("{\"iss\":\"portworx.com\",\"exp\":1e300}") + ".", b64("x".repeat(3000)) + ".." + "a".repeat(5000)));
        return t;
    }

    static void noServerError(String what, Response r) {
        int status = r.statusCode();
        if (status >= 500) {
            String type = r.jsonPath().getString("type");
            String code = type == null ? "" : type.substring(type.lastIndexOf(':') + 1);
            assertTrue(DOCUMENTED_5XX.contains(code), what + " answered " + status + ": " + r.asString());
        }
        assertTrue(status != 500, what + " answered 500: " + r.asString());
    }

    static final List<Function<RequestSpecification, Response>> ROUTES = List.of(
            r -> r.contentType("application/json").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}").post("/v1/tokens"),
            r -> r.contentType("text/plain").body("a.b.c").post("/v1/tokens/verify"),
            r -> r.get("/v1/issuer"),
            r -> r.get("/v1/secrets"),
            r -> r.delete("/v1/secrets/test/x"),
            r -> r.queryParam("format", "text").get("/v1/checks"));

    @Test
    void hostileBearersOnEveryRoute() {
        for (String token : hostileTokens()) {
            for (var route : ROUTES) {
                noServerError("bearer " + token.substring(0, Math.min(60, token.length())),
                        route.apply(given().header("Authorization", "Bearer " + token)));
            }
        }
    }

    @Test
    void hostileTokensInVerify() {
        for (String token : hostileTokens()) {
            noServerError("verify " + token.substring(0, Math.min(60, token.length())), given()
                    .header("Authorization", "Bearer " + CALLER).contentType("text/plain").body(token).post("/v1/tokens/verify"));
            noServerError("verify json", given().header("Authorization", "Bearer " + CALLER).contentType("application/json")
                    .body(java.util.Map.of("token", token)).post("/v1/tokens/verify"));
        }
    }

    @Test
    void hostileBodies() {
        List<String> json = List.of("", "null", "[]", "1", "\"x\"", "{", "{}", "{\"name\":null}", "[".repeat(100_00),
                "{\"name\":\"n\",\"roles\":[\"system.user\"]} trailing", "{\"name\":\"n\",\"roles\":\"system.user\"}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"duration\":\"99999999999999999999y\"}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"duration\":\"-1d\"}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"duration\":1e300}",
                "{\"name\":\"\\ud800\",\"roles\":[\"system.user\"]}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"secret\":{\"namespace\":\"../x\",\"name\":\"" + "a".repeat(400) + "\"}}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"secret\":{\"namespace\":\"test\",\"name\":\"pxkeys\"}}",
                "{\"name\":\"n\",\"roles\":[\"system.user\"],\"secret\":null,\"returnToken\":\"yes\"}",
                "{\"name\":\"n\",\"roles\":[null]}", "{\"name\":1e400,\"roles\":[\"system.user\"]}");
        for (String text : json) {
            // bytes, so the test client sends them as they are instead of inspecting them as JSON first
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            noServerError("json " + text.substring(0, Math.min(60, text.length())), given().header("Authorization", "Bearer " + CALLER)
                    .contentType("application/json").body(body).post("/v1/tokens"));
            noServerError("text " + text.substring(0, Math.min(60, text.length())), given().header("Authorization", "Bearer " + CALLER)
                    .contentType("application/json").accept("text/plain").body(body).post("/v1/tokens"));
            noServerError("verify " + text.substring(0, Math.min(60, text.length())), given().header("Authorization", "Bearer " + CALLER)
                    .contentType("application/json").body(body).post("/v1/tokens/verify"));
        }
        String laughs = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
                + "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                + "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nname: n\nroles: *e\n";
        List<String> yaml = List.of("", "~", "- a\n- b\n", "name: [\n", "name: !!java.io.File /etc/passwd\nroles: [system.user]\n",
                laughs, "name: &n a\nsub: *n\nroles: [system.user]\n", "name: n\nroles: [system.user]\ngroups:\n",
                "name: n\nroles: [system.user]\nduration: \"\"\n", "name: \"\\ud800\"\nroles: [system.user]\n",
                "? [a, b]\n: c\n", "name: n\nroles: {a: b}\n", "name: " + "[".repeat(5000) + "\n", "\t\u0000\u0001");
        for (String body : yaml) {
            noServerError("yaml " + body.substring(0, Math.min(60, body.length())), given().header("Authorization", "Bearer " + CALLER)
                    .contentType("application/yaml").body(body.getBytes(StandardCharsets.UTF_8)).post("/v1/tokens"));
        }
        byte[] notUtf8 = { '{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };
        noServerError("invalid UTF-8", given().header("Authorization", "Bearer " + CALLER)
                .contentType("application/json").body(notUtf8).post("/v1/tokens"));
        noServerError("invalid UTF-8 yaml", given().header("Authorization", "Bearer " + CALLER)
                .contentType("application/yaml").body(notUtf8).post("/v1/tokens"));
    }

    @Test
    void hostilePathsAndQueries() {
        for (String ns : List.of("%2e%2e", "A", "x".repeat(300), "-", "te%20st", "%00", "test/extra")) {
            noServerError("list " + ns, given().header("Authorization", "Bearer " + CALLER).urlEncodingEnabled(false)
                    .queryParam("namespace", ns).get("/v1/secrets"));
            noServerError("delete " + ns, given().header("Authorization", "Bearer " + CALLER).urlEncodingEnabled(false)
                    .delete("/v1/secrets/" + ns + "/" + ns));
        }
        noServerError("duration query", given().header("Authorization", "Bearer " + CALLER).contentType("application/json")
                .queryParam("duration", "1e300y").body("{\"name\":\"n\",\"roles\":[\"system.user\"]}").post("/v1/tokens"));
    }
}
