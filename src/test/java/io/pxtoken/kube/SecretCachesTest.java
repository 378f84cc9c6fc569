package io.pxtoken.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pxtoken.renewal.RenewalScope;

/**
 * What the shared cache keeps of a managed Secret: what its readers read (renewal's timer and metrics, a declaration's
 * expiry, the owner), none of the token, claims or proof, and the values thousands of Secrets repeat held once. Each
 * Secret is parsed from JSON, as the informer gets it, so that no string is shared by accident.
 */
class SecretCachesTest {

    static Secret parsed(String name, String uid) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ManagedSecrets.SUBJECT, name + "@example.com");
        annotations.put(ManagedSecrets.NAME, name);
        annotations.put(ManagedSecrets.EMAIL, name + "@example.com");
        annotations.put(ManagedSecrets.ROLES, "[\"system.user\"]");
        annotations.put(ManagedSecrets.GROUPS, "[\"apps\"]");
        annotations.put(ManagedSecrets.ISSUER, "px-token-service");
        annotations.put(ManagedSecrets.ISSUED_AT, "2026-12-03T16:00:00Z");
        annotations.put(ManagedSecrets.EXPIRES_AT, "2027-01-02T16:00:00Z");
        annotations.put(ManagedSecrets.RENEWAL_TIME, "2026-12-23T16:00:00Z");
        annotations.put(ManagedSecrets.JTI, "jti-" + name);
        annotations.put(ManagedSecrets.KEY_FINGERPRINT, "sha256:" + "ab".repeat(32));
        annotations.put(ManagedSecrets.ALGORITHM, "HS256");
        annotations.put(ManagedSecrets.DATA_KEY, "auth-token");
        annotations.put(ManagedSecrets.DURATION, "30d");
        annotations.put(ManagedSecrets.RENEW, "true");
        annotations.put(ManagedSecrets.PROOF, "v1:k1:" + "c".repeat(43));
        annotations.put("kubectl.kubernetes.io/last-applied-configuration", "{}");
        Secret s = new SecretBuilder().withNewMetadata().withNamespace("apps").withName(name).withUid(uid)
                .withResourceVersion("42").withCreationTimestamp("2026-12-03T16:00:00Z")
                .addToLabels(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).addToLabels(RenewalScope.OWNER_UID, "owner-" + uid)
                .addToLabels("team", "db")
                .withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("pxtoken.io/v1alpha1").withKind("PxToken")
                        .withName(name).withUid("owner-" + uid).withController(true).build())
                .endMetadata().withType("Opaque").addToData("auth-token", "dG9rZW4=").build();
        return Serialization.unmarshal(Serialization.asJson(s), Secret.class);
    }

    @Test
    void aCachedSecretKeepsWhatItsReadersReadAndNothingOfTheTokenClaimsOrProof() {
        Secret s = SecretCaches.TRIM.apply(parsed("db", "uid-1"));
        Map<String, String> a = s.getMetadata().getAnnotations();
        // what renewal (timer, metrics) and declared tokens (expiry) read from the cache
        assertEquals("2027-01-02T16:00:00Z", a.get(ManagedSecrets.EXPIRES_AT));
        assertEquals("2026-12-03T16:00:00Z", a.get(ManagedSecrets.ISSUED_AT));
        assertEquals("2026-12-23T16:00:00Z", a.get(ManagedSecrets.RENEWAL_TIME));
        assertEquals("sha256:" + "ab".repeat(32), a.get(ManagedSecrets.KEY_FINGERPRINT));
        assertEquals("HS256", ManagedSecrets.algorithm(s));
        assertEquals("true", a.get(ManagedSecrets.RENEW));
        assertEquals(SecretCaches.READ, a.keySet(), "only the annotations read from the cache");
        assertEquals(Map.of(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP, RenewalScope.OWNER_UID, "owner-uid-1"),
                s.getMetadata().getLabels());
        assertTrue(ManagedSecrets.managed(s));
        assertEquals("owner-uid-1", s.getMetadata().getOwnerReferences().get(0).getUid());
        assertEquals("PxToken", s.getMetadata().getOwnerReferences().get(0).getKind());
        assertEquals("42", s.getMetadata().getResourceVersion());
        assertNull(s.getData(), "never the token");
        assertNull(s.getMetadata().getCreationTimestamp());
        assertTrue(s.getMetadata().getAdditionalProperties().isEmpty());
        // held in immutable maps and lists (smaller than the parser's; a cached object is never written to)
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> s.getMetadata().getAnnotations().put("x", "y"));
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> s.getMetadata().getLabels().put("x", "y"));
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> s.getMetadata().getOwnerReferences().clear());
    }

    @Test
    void valuesThousandsOfSecretsRepeatAreHeldOnce() {
        Secret one = SecretCaches.TRIM.apply(parsed("one", "uid-1"));
        Secret two = SecretCaches.TRIM.apply(parsed("two", "uid-2"));
        for (String k : new String[] {ManagedSecrets.KEY_FINGERPRINT, ManagedSecrets.ALGORITHM, ManagedSecrets.RENEW}) {
            assertSame(one.getMetadata().getAnnotations().get(k), two.getMetadata().getAnnotations().get(k), k);
        }
        assertSame(one.getMetadata().getLabels().get(ManagedSecrets.MANAGED_BY),
                two.getMetadata().getLabels().get(ManagedSecrets.MANAGED_BY));
        assertSame(one.getApiVersion(), two.getApiVersion());
        assertSame(one.getKind(), two.getKind());
        assertSame(one.getType(), two.getType());
        assertSame(one.getMetadata().getNamespace(), two.getMetadata().getNamespace());
        assertSame(one.getMetadata().getAdditionalProperties(), two.getMetadata().getAdditionalProperties(),
                "one empty map of unknown fields for all");
        assertSame(one.getAdditionalProperties(), two.getAdditionalProperties());
        assertNotNull(one.getMetadata().getOwnerReferences().get(0).getAdditionalProperties());
        assertSame(one.getMetadata().getOwnerReferences().get(0).getUid(), one.getMetadata().getLabels().get(RenewalScope.OWNER_UID),
                "the owner label holds the owner reference's uid string");
    }

    @Test
    void aLongAnnotationValueIsNotKept() {
        Secret s = parsed("db", "uid-1");
        s.getMetadata().getAnnotations().put(ManagedSecrets.RENEWAL_TIME, "x".repeat(SecretCaches.MAX_VALUE + 1));
        assertNull(SecretCaches.TRIM.apply(s).getMetadata().getAnnotations().get(ManagedSecrets.RENEWAL_TIME));
    }
}
