package io.pxtoken.provenance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.ProvenanceKeySecret;

/**
 * Proof that this service wrote a token Secret: an HMAC-SHA256, under a key of the service's own (never a signing key),
 * over the Secret's namespace, name and data key, a digest of the token stored there, and every annotation that renewal
 * reads (claims, lifetime, renewal settings, the token's jti, iat and exp). It is kept in the annotation
 * {@link ManagedSecrets#PROOF} as {@code v1:<key id>:<mac>}.
 *
 * <p>Renewal, re-signing and the declared-token controller act only on a Secret whose proof checks out. Labels and
 * annotations can be written by anyone with rights on Secrets in the namespace: they are input, and only the proof
 * makes them authority. The key lives in a Secret of the service's own namespace ({@link ProvenanceKeySecret}), so a
 * rotation of the shared secret, or a new leader, does not orphan the proofs.
 */
@ApplicationScoped
public class Provenance {

    /** What a Secret's proof says. */
    public enum Status {
        /** Written by this service, as it stands. */
        PROVEN,
        /** No proof: written by someone else, or by this service before proofs existed. */
        MISSING,
        /** A proof that does not match: something it covers was changed, or it was copied from elsewhere. */
        MISMATCH,
        /** A proof made under another provenance key (the key Secret was replaced). */
        OTHER_KEY;

        /** For people: why a Secret is not proven. */
        public String reason() {
            return switch (this) {
                case PROVEN -> "written by this service";
                case MISSING -> "no proof of provenance (not written by this service, or written before proofs existed)";
                case MISMATCH -> "its proof of provenance does not match (an annotation or the token was changed, or it was copied)";
                case OTHER_KEY -> "its proof of provenance was made under another provenance key";
            };
        }
    }

    private static final String VERSION = "v1";
    /** Every annotation the proof covers, in this order; a missing one counts as absent, never as empty. */
    static final List<String> COVERED = List.of(ManagedSecrets.DATA_KEY, ManagedSecrets.ISSUER, ManagedSecrets.SUBJECT,
            ManagedSecrets.ROLES, ManagedSecrets.GROUPS, ManagedSecrets.NAME, ManagedSecrets.EMAIL, ManagedSecrets.JTI,
            ManagedSecrets.ISSUED_AT, ManagedSecrets.EXPIRES_AT, ManagedSecrets.KEY_FINGERPRINT, ManagedSecrets.DURATION,
            ManagedSecrets.RENEW_BEFORE, ManagedSecrets.RENEW, ManagedSecrets.RENEWAL_TIME);

    private final ProvenanceKeySecret keys;

    public Provenance(ProvenanceKeySecret keys) {
        this.keys = keys;
    }

    /**
     * The Secret with its proof, as it will be written: call it on the final object, after every annotation is set.
     *
     * @throws io.pxtoken.kube.KubernetesUnavailableException when the provenance key cannot be had (then write nothing)
     */
    public Secret seal(Secret s) {
        return new SecretBuilder(s).editMetadata().addToAnnotations(ManagedSecrets.PROOF, proof(keys.key(), s)).endMetadata().build();
    }

    /**
     * Loads the key if it is not yet loaded.
     *
     * @throws io.pxtoken.kube.KubernetesUnavailableException when the provenance key cannot be had
     */
    public void ready() {
        keys.key();
    }

    /**
     * @throws io.pxtoken.kube.KubernetesUnavailableException when the provenance key cannot be had
     */
    public Status check(Secret s) {
        String proof = ManagedSecrets.annotation(s, ManagedSecrets.PROOF);
        if (proof == null) {
            return Status.MISSING;
        }
        ProvenanceKeySecret.Key key = keys.key();
        String expected = proof(key, s);
        if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), proof.getBytes(StandardCharsets.US_ASCII))) {
            return Status.PROVEN;
        }
        return proof.startsWith(VERSION + ":") && !proof.startsWith(VERSION + ":" + key.id() + ":") ? Status.OTHER_KEY : Status.MISMATCH;
    }

    static String proof(ProvenanceKeySecret.Key key, Secret s) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
            return VERSION + ":" + key.id() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(message(s)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The covered fields, each length-prefixed, so that no two different Secrets give the same bytes. */
    static byte[] message(Secret s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        field(out, "pxtoken.io/provenance/" + VERSION);
        field(out, s.getMetadata().getNamespace());
        field(out, s.getMetadata().getName());
        String token = ManagedSecrets.token(s);
        field(out, token == null ? null : HexFormat.of().formatHex(sha256(token)));
        for (String a : COVERED) {
            field(out, ManagedSecrets.annotation(s, a));
        }
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.write(b.length >>> 24);
        out.write(b.length >>> 16);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.write(b, 0, b.length);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
