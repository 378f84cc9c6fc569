package io.pxtoken.declared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** What the caches keep of declarations: maximum-size objects from a namespace user with {@code edit}. */
class DeclaredCachesTest {

    static PxToken pxToken(PxTokenSpec spec, int annotationBytes) {
        PxToken t = new PxToken();
        t.setMetadata(new ObjectMetaBuilder().withNamespace("apps").withName("db").withUid("uid-1").withGeneration(3L)
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "x".repeat(annotationBytes))
                .addToLabels("team", "y".repeat(63))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).build());
        t.setSpec(spec);
        return t;
    }

    static PxTokenSpec spec(String name, List<String> roles, String duration) {
        return new PxTokenSpec(name, "db@example.com", null, roles, List.of("apps"), duration, null, null, null);
    }

    @Test
    void aPxTokenWithA200KbAnnotationIsKeptWithoutIt() {
        PxToken t = DeclaredCaches.PX_TOKEN.apply(pxToken(spec("db", List.of("system.user"), "30d"), 200 * 1024));
        assertNull(t.getMetadata().getAnnotations());
        assertNull(t.getMetadata().getLabels());
        assertNull(t.getMetadata().getManagedFields());
        assertEquals("uid-1", t.getMetadata().getUid());
        assertEquals(3L, t.getMetadata().getGeneration());
        assertEquals(spec("db", List.of("system.user"), "30d"), t.getSpec());
        assertNull(DeclaredCaches.outOfBounds(t));
        assertTrue(t.toString().length() < 1_000, t.toString().length() + " characters kept");
    }

    @Test
    void aSpecBeyondTheCrdLimitsIsNotKeptAndSaysWhichField() {
        PxToken big = DeclaredCaches.PX_TOKEN.apply(pxToken(spec("n".repeat(200 * 1024), List.of("system.user"), "30d"), 0));
        assertNull(big.getSpec(), "the 200 KB name is not held");
        assertEquals("spec.name is 204800 characters long; at most 256", DeclaredCaches.outOfBounds(big));

        PxToken roles = DeclaredCaches.PX_TOKEN.apply(pxToken(spec("db", Collections.nCopies(10_000, "system.user"), "30d"), 0));
        assertNull(roles.getSpec());
        assertEquals("spec.roles has 10000 items; at most 32", DeclaredCaches.outOfBounds(roles));

        PxToken duration = DeclaredCaches.PX_TOKEN.apply(pxToken(spec("db", List.of("system.user"), "0".repeat(100_000) + "1d"), 0));
        assertNull(duration.getSpec());
        assertTrue(DeclaredCaches.outOfBounds(duration).startsWith("spec.duration must be a pxctl duration"));
    }

    @Test
    void aUserCannotForgeTheRefusalAnnotation() {
        PxToken t = pxToken(spec("db", List.of("system.user"), "30d"), 0);
        t.getMetadata().getAnnotations().put(DeclaredCaches.OUT_OF_BOUNDS, "forged");
        PxToken kept = DeclaredCaches.PX_TOKEN.apply(t);
        assertNull(DeclaredCaches.outOfBounds(kept));
        assertNotNull(kept.getSpec());
    }

    @Test
    void aClusterPxTokenSelectorIsBoundedToo() {
        ClusterPxToken c = new ClusterPxToken();
        c.setMetadata(new ObjectMetaBuilder().withName("tenants").build());
        Map<String, String> labels = new java.util.HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            labels.put("l" + i, "v");
        }
        c.setSpec(new ClusterPxTokenSpec(new LabelSelector(null, labels), "t", null, null, List.of("system.user"), null, null,
                null, null, null));
        ClusterPxToken kept = DeclaredCaches.CLUSTER_PX_TOKEN.apply(c);
        assertNull(kept.getSpec());
        assertEquals("spec.namespaceSelector has 1000 terms; at most 32", DeclaredCaches.outOfBounds(kept));
    }

    @Test
    void declarationsShareTheValuesThousandsOfThemRepeatAndKeepTheirSpecEqual() {
        io.fabric8.kubernetes.api.model.Condition ready = new io.fabric8.kubernetes.api.model.ConditionBuilder().withType("Ready")
                .withStatus("True").withReason("Issued").withMessage("m").build();
        PxToken[] cached = new PxToken[2];
        for (int i = 0; i < 2; i++) {
            PxToken t = pxToken(spec("db-" + i, List.of("system.user"), "30d"), 0);
            t.setStatus(new PxTokenStatus(List.of(ready), 3L, "db-" + i, null, null, null, "jti-" + i, "sha256:" + "ab".repeat(32)));
            // parsed, as the informer gets it: no string shared by accident
            cached[i] = DeclaredCaches.PX_TOKEN.apply(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                    io.fabric8.kubernetes.client.utils.Serialization.asJson(t), PxToken.class));
            assertEquals(spec("db-" + i, List.of("system.user"), "30d"), cached[i].getSpec(), "the spec as declared");
            assertEquals("Issued", cached[i].getStatus().conditions().get(0).getReason());
            assertNull(cached[i].getMetadata().getCreationTimestamp());
        }
        PxToken a = cached[0];
        PxToken b = cached[1];
        org.junit.jupiter.api.Assertions.assertSame(a.getSpec().roles().get(0), b.getSpec().roles().get(0));
        org.junit.jupiter.api.Assertions.assertSame(a.getSpec().groups().get(0), b.getSpec().groups().get(0));
        org.junit.jupiter.api.Assertions.assertSame(a.getSpec().duration(), b.getSpec().duration());
        org.junit.jupiter.api.Assertions.assertSame(a.getStatus().keyFingerprint(), b.getStatus().keyFingerprint());
        org.junit.jupiter.api.Assertions.assertSame(a.getStatus().conditions().get(0).getReason(),
                b.getStatus().conditions().get(0).getReason());
    }

    @Test
    void aSpecDigestTellsEveryChangeOfSpecApart() {
        PxTokenSpec base = new PxTokenSpec("n", "e@example.com", "s", List.of("a", "b"), List.of("g"), "1d", "1h", "sec", "key");
        assertEquals(SpecDigest.of(base), SpecDigest.of(new PxTokenSpec("n", "e@example.com", "s", new java.util.ArrayList<>(
                List.of("a", "b")), List.of("g"), "1d", "1h", "sec", "key")), "equal specs, equal digests");
        List<PxTokenSpec> changed = List.of(
                new PxTokenSpec("N", "e@example.com", "s", List.of("a", "b"), List.of("g"), "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "f@example.com", "s", List.of("a", "b"), List.of("g"), "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", null, List.of("a", "b"), List.of("g"), "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "", List.of("a", "b"), List.of("g"), "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("b", "a"), List.of("g"), "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("ab"), List.of("g"), "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("a", "b"), null, "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("a", "b"), List.of(), "1d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("a", "b"), List.of("g"), "2d", "1h", "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("a", "b"), List.of("g"), "1d", null, "sec", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("a", "b"), List.of("g"), "1d", "1h", "sec2", "key"),
                new PxTokenSpec("n", "e@example.com", "s", List.of("a", "b"), List.of("g"), "1d", "1h", "sec", null),
                // a value moved from one field to the next
                new PxTokenSpec("ne@example.com", "", "s", List.of("a", "b"), List.of("g"), "1d", "1h", "sec", "key"));
        java.util.Set<SpecDigest> seen = new java.util.HashSet<>(List.of(SpecDigest.of(base)));
        for (PxTokenSpec c : changed) {
            assertTrue(seen.add(SpecDigest.of(c)), "a digest of its own: " + c);
        }
    }
}
