package io.pxtoken.kube;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A managed Secret is read, then replaced by an unmanaged one before the delete arrives. The delete carries the
 * resourceVersion that was read, the API server (whose precondition check the mock plays here, as the CRUD mock has
 * none) refuses it, and nothing of the unmanaged Secret is deleted.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(DeleteSwapTest.Profile.class)
class DeleteSwapTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.secrets.namespaces", "test");
        }
    }

    static final String PATH = "/api/v1/namespaces/test/secrets/swapped";

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    final List<String> deletes = new CopyOnWriteArrayList<>();

    @AfterEach
    void reset() {
        server.getKubernetesMockServer().reset();
    }

    @Test
    void aSecretSwappedBetweenReadAndDeleteIsNotDeleted() throws Exception {
        Secret foreign = server.getClient().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("swapped").withNamespace("test").addToLabels("owner", "someone-else").endMetadata()
                .addToData("auth-token", "Zm9yZWlnbg==").build()).create();
        String foreignVersion = foreign.getMetadata().getResourceVersion();
        // what the service read a moment before the swap: its own managed Secret, at an older version
        Secret managedBefore = new SecretBuilder().withNewMetadata().withName("swapped").withNamespace("test")
                .withUid("uid-of-the-managed-one").withResourceVersion("999")
                .addToLabels(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).endMetadata()
                .addToData("auth-token", "bWFuYWdlZA==").build();
        server.expect().get().withPath(PATH).andReturn(200, managedBefore).once();
        server.expect().delete().withPath(PATH).andReply(new Preconditions(foreignVersion)).always();

        given().delete("/v1/secrets/test/swapped").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:pxtoken:problem:secret-not-managed"));

        assertEquals(1, deletes.size(), "one delete was sent, and refused: " + deletes);
        assertEquals("999", deletes.get(0).split(" ")[0], "it was conditional on the version that was read: " + deletes);
        Secret still = server.getClient().secrets().inNamespace("test").withName("swapped").get();
        assertNotNull(still, "the unmanaged Secret is still there");
        assertEquals("Zm9yZWlnbg==", still.getData().get("auth-token"));
        assertFalse(still.getMetadata().getLabels().containsKey(ManagedSecrets.MANAGED_BY));
    }

    @Test
    void aManagedSecretIsDeletedAtTheVersionRead() {
        Secret managed = server.getClient().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("plain").withNamespace("test").addToLabels(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP)
                .endMetadata().addToData("auth-token", "dA==").build()).create();
        given().delete("/v1/secrets/test/plain").then().statusCode(204);
        assertNull(server.getClient().secrets().inNamespace("test").withName("plain").get());
        assertNotNull(managed.getMetadata().getResourceVersion());
    }

    /** The API server's precondition check on DELETE: 409 unless the resourceVersion sent is the current one. */
    private final class Preconditions implements ResponseProvider<Object> {
        private final String current;
        private Headers headers = Headers.builder().build();

        Preconditions(String current) {
            this.current = current;
        }

        private String sent(RecordedRequest request) {
            try {
                JsonNode body = new ObjectMapper().readTree(request.getUtf8Body());
                JsonNode rv = body == null ? null : body.path("preconditions").get("resourceVersion");
                return rv == null || rv.isNull() ? null : rv.asText();
            } catch (Exception e) {
                return null;
            }
        }

        @Override
        public int getStatusCode(RecordedRequest request) {
            String sent = sent(request);
            deletes.add(String.valueOf(sent) + " " + request.getUtf8Body());
            return current.equals(sent) ? 200 : 409;
        }

        @Override
        public Object getBody(RecordedRequest request) {
            return current.equals(sent(request))
                    ? new StatusBuilder().withStatus("Success").withCode(200).build()
                    : new StatusBuilder().withStatus("Failure").withCode(409).withReason("Conflict")
                            .withMessage("Precondition failed: ResourceVersion").build();
        }

        @Override
        public Headers getHeaders() {
            return headers;
        }

        @Override
        public void setHeaders(Headers h) {
            headers = h;
        }
    }
}
