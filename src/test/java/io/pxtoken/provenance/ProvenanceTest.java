package io.pxtoken.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.ProvenanceKeySecret;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.UserClaims;

/** The proof on a token Secret: it holds for the Secret as written and for nothing else. */
class ProvenanceTest {

    static final ProvenanceKeySecret.Key KEY = new ProvenanceKeySecret.Key("k".repeat(32).getBytes(StandardCharsets.UTF_8), "0a0b0c0d");
    static final ProvenanceKeySecret.Key OTHER = new ProvenanceKeySecret.Key("o".repeat(32).getBytes(StandardCharsets.UTF_8), "1a1b1c1d");

    static Provenance under(ProvenanceKeySecret.Key key) {
        return new Provenance(new ProvenanceKeySecret(null, null, null) {
            @Override
            public Key key() {
                return key;
            }
        });
    }

    static Secret written() {
        IssuedToken token = new IssuedToken("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln", "portworx.com",
                new UserClaims("User", "u@example.com", "u@example.com", List.of("system.user"), List.of("g")),
                Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2027-01-02T00:00:00Z"), "jti-1", "fingerprint1");
        return under(KEY).seal(ManagedSecrets.fresh(new SecretTarget("portworx", "px-k8s-user", "auth-token"), token,
                new ManagedSecrets.Renewal("1d", Instant.parse("2027-01-01T16:00:00Z"), null, null)));
    }

    @Test
    void theSecretAsWrittenIsProven() {
        assertEquals(Provenance.Status.PROVEN, under(KEY).check(written()));
        assertTrue(ManagedSecrets.annotation(written(), ManagedSecrets.PROOF).startsWith("v1:0a0b0c0d:"));
    }

    static List<String> covered() {
        return Provenance.COVERED;
    }

    @ParameterizedTest
    @MethodSource("covered")
    void everyCoveredAnnotationChangedOrRemovedBreaksIt(String annotation) {
        Secret s = written();
        assertEquals(Provenance.Status.MISMATCH, under(KEY).check(ManagedSecrets.annotated(s, annotation, "[\"system.admin\"]")));
        if (ManagedSecrets.annotation(s, annotation) != null) {
            assertEquals(Provenance.Status.MISMATCH, under(KEY).check(ManagedSecrets.annotated(s, annotation, null)), annotation + " removed");
        } else {
            assertEquals(Provenance.Status.MISMATCH, under(KEY).check(ManagedSecrets.annotated(s, annotation, "")), annotation + " added empty");
        }
    }

    @Test
    void anotherTokenAnotherPlaceOrAnotherKeyBreaksIt() {
        Secret s = written();
        String other = Base64.getEncoder().encodeToString("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2In0.c2ln".getBytes(StandardCharsets.US_ASCII));
        assertEquals(Provenance.Status.MISMATCH, under(KEY).check(new SecretBuilder(s).addToData("auth-token", other).build()),
                "another token under the same annotations");
        assertEquals(Provenance.Status.MISMATCH, under(KEY).check(new SecretBuilder(s).editMetadata().withName("copy").endMetadata().build()),
                "copied under another name");
        assertEquals(Provenance.Status.MISMATCH, under(KEY).check(new SecretBuilder(s).editMetadata().withNamespace("tenant-a").endMetadata()
                .build()), "copied into another namespace");
        assertEquals(Provenance.Status.MISSING, under(KEY).check(ManagedSecrets.annotated(s, ManagedSecrets.PROOF, null)));
        assertEquals(Provenance.Status.OTHER_KEY, under(OTHER).check(s), "made under a key since replaced");
        // labels are not authority, and changing them costs the proof nothing
        assertEquals(Provenance.Status.PROVEN, under(KEY).check(new SecretBuilder(s).editMetadata().addToLabels("team", "a").endMetadata().build()));
    }
}
