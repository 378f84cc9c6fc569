package io.pxtoken.kube;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pxtoken.LogCapture;
import io.pxtoken.TestKeys;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** Tokens written into Secrets of the mock API server (CRUD mode; its namespace is "test"). */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(TokenSecretsTest.Profile.class)
class TokenSecretsTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "test,other");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    static String body(String namespace, String name, String extra) {
        return "{\"name\":\"Kubernetes User\",\"email\":\"k8s@example.com\",\"sub\":\"k8s@example.com\","
                + "\"roles\":[\"system.user\"],\"groups\":[\"kubernetes\"],\"duration\":\"30d\","
                + "\"secret\":{\"namespace\":\"" + namespace + "\",\"name\":\"" + name + "\"}" + extra + "}";
    }

    static Response mintInto(String namespace, String name) {
        return given().contentType("application/json").body(body(namespace, name, "")).post("/v1/tokens");
    }

    private KubernetesClient kube() {
        return server.getClient();
    }

    private Secret stored(String namespace, String name) {
        return kube().secrets().inNamespace(namespace).withName(name).get();
    }

    private static String tokenIn(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private static void acceptedByVerify(String token) {
        given().contentType("text/plain").body(token).post("/v1/tokens/verify").then().statusCode(200)
                .body("valid", equalTo(true));
    }

    @Test
    void createsTheSecretAStorageClassReferences() throws Exception {
        ExtractableResponse<Response> r = given().contentType("application/json").body(body("test", "px-k8s-user", ""))
                .post("/v1/tokens").then().statusCode(200)
                .body("secret.namespace", equalTo("test"))
                .body("secret.name", equalTo("px-k8s-user"))
                .body("secret.key", equalTo("auth-token"))
                .body("secret.operation", equalTo("created"))
                .body("secret.storageClassParameters.'openstorage.io/auth-secret-name'", equalTo("px-k8s-user"))
                .body("secret.storageClassParameters.'openstorage.io/auth-secret-namespace'", equalTo("test"))
                .body("secret.storageClassParameters.'csi.storage.k8s.io/provisioner-secret-name'", equalTo("px-k8s-user"))
                .body("secret.storageClassParameters.'csi.storage.k8s.io/provisioner-secret-namespace'", equalTo("test"))
                .body("secret.storageClassParameters.'csi.storage.k8s.io/node-publish-secret-name'", equalTo("px-k8s-user"))
                .body("secret.storageClassParameters.'csi.storage.k8s.io/node-publish-secret-namespace'", equalTo("test"))
                .body("secret.storageClassParameters.'csi.storage.k8s.io/controller-expand-secret-name'", equalTo("px-k8s-user"))
                .body("secret.storageClassParameters.'csi.storage.k8s.io/controller-expand-secret-namespace'", equalTo("test"))
                .extract();

        Secret s = stored("test", "px-k8s-user");
        assertEquals("Opaque", s.getType());
        assertEquals(r.path("secret.resourceVersion"), s.getMetadata().getResourceVersion());
        assertEquals("px-token-service", s.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
        assertEquals("px-token-service", s.getMetadata().getLabels().get("app.kubernetes.io/name"));
        Map<String, String> a = s.getMetadata().getAnnotations();
        assertEquals("k8s@example.com", a.get("pxtoken.io/subject"));
        assertEquals("[\"system.user\"]", a.get("pxtoken.io/roles"));
        assertEquals("[\"kubernetes\"]", a.get("pxtoken.io/groups"));
        assertEquals("portworx.com", a.get("pxtoken.io/issuer"));
        assertEquals(r.path("issuedAt"), a.get("pxtoken.io/issued-at"));
        assertEquals(r.path("expiresAt"), a.get("pxtoken.io/expires-at"));
        assertEquals(r.path("jti"), a.get("pxtoken.io/jti"));
        assertEquals(r.path("keyFingerprint"), a.get("pxtoken.io/key-fingerprint"));
        for (String value : a.values()) {
            assertFalse(value.contains("eyJ"), "no token in annotations");
        }

        String token = tokenIn(s, "auth-token");
        assertEquals(r.path("token"), token);
        SignedJWT jwt = TestKeys.verified(token, TestKeys.secret());
        assertEquals(List.of("system.user"), jwt.getJWTClaimsSet().getStringListClaim("roles"));
        acceptedByVerify(token);
    }

    @Test
    void updatesASecretItManagesKeepingWhatElseIsThere() {
        mintInto("test", "managed").then().statusCode(200).body("secret.operation", equalTo("created"));
        Secret s = stored("test", "managed");
        kube().secrets().inNamespace("test").resource(new SecretBuilder(s)
                .editMetadata().addToLabels("team", "storage").addToAnnotations("owner", "ops").endMetadata()
                .addToData("other", Base64.getEncoder().encodeToString("keep me".getBytes(StandardCharsets.UTF_8)))
                .build()).update();

        ExtractableResponse<Response> r = given().contentType("application/yaml")
                .body(("name: Kubernetes User\nroles: [system.view]\nsecret:\n  namespace: test\n  name: managed\n")
                        .getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(200).body("secret.operation", equalTo("updated")).extract();

        Secret after = stored("test", "managed");
        assertEquals("storage", after.getMetadata().getLabels().get("team"));
        assertEquals("ops", after.getMetadata().getAnnotations().get("owner"));
        assertEquals("keep me", new String(Base64.getDecoder().decode(after.getData().get("other")), StandardCharsets.UTF_8));
        assertEquals("[\"system.view\"]", after.getMetadata().getAnnotations().get("pxtoken.io/roles"));
        assertFalse(after.getMetadata().getAnnotations().containsKey("pxtoken.io/groups"), "the new token has no groups");
        assertEquals(r.path("jti"), after.getMetadata().getAnnotations().get("pxtoken.io/jti"));
        assertEquals(r.path("token"), tokenIn(after, "auth-token"));
    }

    @Test
    void neverOverwritesASecretItDoesNotManage() {
        Secret foreign = kube().secrets().inNamespace("test").resource(new SecretBuilder()
                .withNewMetadata().withName("someone-elses").withNamespace("test").endMetadata()
                .addToData("auth-token", Base64.getEncoder().encodeToString("theirs".getBytes(StandardCharsets.UTF_8)))
                .build()).create();
        String body = mintInto("test", "someone-elses").then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:secret-not-managed"))
                .body("detail", containsString("test/someone-elses"))
                .body("token", nullValue())
                .extract().asString();
        assertFalse(body.contains("eyJ"));
        Secret after = stored("test", "someone-elses");
        assertEquals(foreign.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
        assertEquals(foreign.getData(), after.getData());
    }

    @Test
    void neverWritesThePxkeysSecret() {
        for (String ns : List.of("test", "other")) {
            mintInto(ns, "pxkeys").then().statusCode(403).contentType("application/problem+json")
                    .body("type", equalTo("urn:pxtoken:problem:secret-refused"))
                    .body("detail", containsString("shared secret"));
            assertEquals(null, stored(ns, "pxkeys"));
        }
    }

    @Test
    void onlyWritesInTheListedNamespaces() {
        mintInto("kube-system", "px-k8s-user").then().statusCode(403)
                .body("type", equalTo("urn:pxtoken:problem:secret-refused"))
                .body("detail", containsString("not in pxtoken.secrets.namespaces"));
        assertEquals(null, stored("kube-system", "px-k8s-user"));
    }

    @Test
    void refusesInvalidNamesBeforeMinting() {
        given().contentType("application/json").body(body("Test", "Bad_Name", ""))
                .post("/v1/tokens").then().statusCode(400)
                .body("errors.field", hasItem("secret.namespace"))
                .body("errors.field", hasItem("secret.name"));
        given().contentType("application/json")
                .body(body("test", "x", "").replace("\"name\":\"x\"}", "\"name\":\"x\",\"key\":\"a/b\"}"))
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("secret.key"));
        given().contentType("application/json").body(body("test", "y".repeat(254), ""))
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("secret.name"));
        given().contentType("application/json").body(body("test", "z", "").replace("\"name\":\"z\"}", "\"name\":\"z\",\"extra\":1}"))
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("secret.extra"));
    }

    @Test
    void canKeepTheTokenOutOfTheResponse() {
        String body = given().contentType("application/json").body(body("test", "quiet", ",\"returnToken\":false"))
                .post("/v1/tokens").then().statusCode(200).body("token", nullValue())
                .body("secret.operation", equalTo("created")).extract().asString();
        assertFalse(body.contains("eyJ"));
        acceptedByVerify(tokenIn(stored("test", "quiet"), "auth-token"));
        given().contentType("application/json").accept("text/plain").body(body("test", "quiet", ",\"returnToken\":false"))
                .post("/v1/tokens").then().statusCode(400).body("errors[0].field", equalTo("returnToken"));
    }

    @Test
    void writesACustomKey() {
        given().contentType("application/json")
                .body(body("other", "custom", "").replace("\"name\":\"custom\"}", "\"name\":\"custom\",\"key\":\"token\"}"))
                .post("/v1/tokens").then().statusCode(200).body("secret.key", equalTo("token"));
        acceptedByVerify(tokenIn(stored("other", "custom"), "token"));
    }

    @Test
    void concurrentWritersEndWithOneConsistentToken() throws Exception {
        int writers = 24;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            calls.add(() -> mintInto("test", "contended").statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        try (LogCapture logs = LogCapture.start()) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(java.util.Collections.nCopies(writers, 200), statuses);
        Secret s = stored("test", "contended");
        String token = tokenIn(s, "auth-token");
        SignedJWT jwt = TestKeys.verified(token, TestKeys.secret());
        assertEquals(s.getMetadata().getAnnotations().get("pxtoken.io/jti"), jwt.getJWTClaimsSet().getJWTID(),
                "the annotations describe the token that is stored");
        acceptedByVerify(token);
    }

    @Test
    void listsManagedSecretsFromTheirMetadata() {
        String jti = mintInto("test", "listed").then().statusCode(200).extract().path("jti");
        kube().secrets().inNamespace("test").resource(new SecretBuilder()
                .withNewMetadata().withName("unmanaged-listed").withNamespace("test").endMetadata().build()).create();
        given().queryParam("namespace", "test").get("/v1/secrets").then().statusCode(200)
                .body("name", hasItem("listed"))
                .body("name", not(hasItem("unmanaged-listed")))
                .body("find { it.name == 'listed' }.jti", equalTo(jti))
                .body("find { it.name == 'listed' }.subject", equalTo("k8s@example.com"))
                .body("find { it.name == 'listed' }.roles", equalTo(List.of("system.user")))
                .body("find { it.name == 'listed' }.key", equalTo("auth-token"))
                .body("find { it.name == 'listed' }.currentKey", equalTo(true))
                .body("find { it.name == 'listed' }.expiresAt", notNullString());
        given().get("/v1/secrets").then().statusCode(200).body("name", hasItem("listed"));
        given().queryParam("namespace", "kube-system").get("/v1/secrets").then().statusCode(403);
    }

    @Test
    void deletesOnlyManagedSecrets() {
        mintInto("test", "doomed").then().statusCode(200);
        given().delete("/v1/secrets/test/doomed").then().statusCode(204);
        assertEquals(null, stored("test", "doomed"));
        given().delete("/v1/secrets/test/doomed").then().statusCode(404).contentType("application/problem+json");

        kube().secrets().inNamespace("test").resource(new SecretBuilder()
                .withNewMetadata().withName("keep-out").withNamespace("test").endMetadata().build()).create();
        given().delete("/v1/secrets/test/keep-out").then().statusCode(409);
        assertNotNull(stored("test", "keep-out"));
        given().delete("/v1/secrets/test/pxkeys").then().statusCode(403);
        given().delete("/v1/secrets/kube-system/anything").then().statusCode(403);
        given().delete("/v1/secrets/test/Not_Valid").then().statusCode(400);
    }

    @Test
    void noTokenReachesTheLogWhileWritingSecrets() {
        List<String> lines;
        String token;
        try (LogCapture logs = LogCapture.start()) {
            token = mintInto("test", "logged").then().statusCode(200).extract().path("token");
            mintInto("test", "logged").then().statusCode(200);
            lines = logs.lines();
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("Updated Secret test/logged")), lines.toString());
        String signature = token.split("\\.")[2];
        assertTrue(lines.stream().noneMatch(l -> l.contains(signature) || l.contains(token.split("\\.")[1])));
    }

    private static org.hamcrest.Matcher<Object> notNullString() {
        return org.hamcrest.Matchers.notNullValue();
    }
}
