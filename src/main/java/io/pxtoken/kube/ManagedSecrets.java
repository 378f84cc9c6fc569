package io.pxtoken.kube;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pxtoken.token.IssuedToken;

/**
 * How a token Secret looks: the managed-by label that marks this service's Secrets, and {@code pxtoken.io/*}
 * annotations that say what is inside without the token. Pure mapping, no I/O.
 */
public final class ManagedSecrets {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String APP = "px-token-service";

    public static final String PREFIX = "pxtoken.io/";
    public static final String SUBJECT = PREFIX + "subject";
    public static final String ROLES = PREFIX + "roles";
    public static final String GROUPS = PREFIX + "groups";
    public static final String ISSUER = PREFIX + "issuer";
    public static final String ISSUED_AT = PREFIX + "issued-at";
    public static final String EXPIRES_AT = PREFIX + "expires-at";
    public static final String JTI = PREFIX + "jti";
    public static final String KEY_FINGERPRINT = PREFIX + "key-fingerprint";
    public static final String DATA_KEY = PREFIX + "key";
    public static final String NAME = PREFIX + "name";
    public static final String EMAIL = PREFIX + "email";
    /** The lifetime asked for, in pxctl syntax: what a renewal mints again. */
    public static final String DURATION = PREFIX + "duration";
    /** When the token will be renewed (RFC 3339); absent when it is not renewed. */
    public static final String RENEWAL_TIME = PREFIX + "renewal-time";
    public static final String RENEW_BEFORE = PREFIX + "renew-before";
    /** {@code "false"} when the mint request opted out of renewal. */
    public static final String RENEW = PREFIX + "renew";
    /**
     * Why the renewals before this token failed, written by the successful renewal that followed them (a failure itself
     * writes nothing to the Secret: Events and metrics report it); removed by the next write.
     */
    public static final String RENEWAL_ERROR = PREFIX + "last-renewal-failure";
    /** Proof that this service wrote the Secret as it stands ({@link io.pxtoken.provenance.Provenance}). */
    public static final String PROOF = PREFIX + "proof";

    /** Annotations that only some writes carry: a write that does not set them removes them. */
    private static final List<String> OPTIONAL = List.of(GROUPS, RENEWAL_TIME, RENEW_BEFORE, RENEW, RENEWAL_ERROR, PROOF);

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedSecrets() {
    }

    /** Whether this service manages the Secret (its managed-by label names this service). */
    public static boolean managed(Secret s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        return labels != null && APP.equals(labels.get(MANAGED_BY));
    }

    /**
     * What renewal needs beside the token's own annotations.
     *
     * @param duration the lifetime in pxctl syntax
     * @param renewalTime when to renew, or null when the token is not renewed
     * @param renewBefore the request's renewBefore in pxctl syntax, or null
     * @param lastFailure why the renewals before this one failed, or null
     */
    public record Renewal(String duration, Instant renewalTime, String renewBefore, String lastFailure) {

        /** The same, recording the failures that came before it. */
        public Renewal afterFailures(String failure) {
            return new Renewal(duration, renewalTime, renewBefore, failure);
        }
    }

    /** A new Secret holding the token. */
    public static Secret fresh(SecretTarget target, IssuedToken token, Renewal renewal) {
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace(target.namespace())
                .withName(target.name())
                .withLabels(Map.of(MANAGED_BY, APP, NAME_LABEL, APP))
                .withAnnotations(annotations(target, token, renewal))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(target.key(), encode(token)))
                .build();
    }

    /**
     * Our labels, annotations and key over what is there; everything else on the Secret is kept, its uid and
     * resourceVersion included, so the update fails if the Secret changed since it was read.
     */
    public static Secret merged(Secret existing, SecretTarget target, IssuedToken token, Renewal renewal) {
        ObjectMeta meta = existing.getMetadata();
        Map<String, String> labels = new LinkedHashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.put(MANAGED_BY, APP);
        labels.put(NAME_LABEL, APP);
        Map<String, String> annotations = new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        OPTIONAL.forEach(annotations::remove);
        annotations.putAll(annotations(target, token, renewal));
        Map<String, String> data = new LinkedHashMap<>(existing.getData() == null ? Map.of() : existing.getData());
        data.put(target.key(), encode(token));
        return new SecretBuilder(existing)
                .editMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withData(data)
                .withStringData(null)
                .build();
    }

    /** Kinds whose Secrets only they write (PxToken, ClusterPxToken). */
    private static final List<String> DECLARING_KINDS = List.of("PxToken", "ClusterPxToken");

    /** The PxToken or ClusterPxToken that controls the Secret (its controller owner reference), or null. */
    public static OwnerReference declaredBy(Secret s) {
        List<OwnerReference> refs = s.getMetadata().getOwnerReferences();
        return refs == null ? null : refs.stream()
                .filter(r -> Boolean.TRUE.equals(r.getController()) && DECLARING_KINDS.contains(r.getKind())
                        && r.getApiVersion() != null && r.getApiVersion().startsWith("pxtoken.io/"))
                .findFirst().orElse(null);
    }

    /**
     * A managed Secret as its metadata describes it.
     *
     * @param proven whether its proof of provenance checks out
     */
    public static ManagedSecret describe(Secret s, boolean proven) {
        return new ManagedSecret(s.getMetadata().getNamespace(), s.getMetadata().getName(),
                annotation(s, DATA_KEY), annotation(s, SUBJECT), stringList(annotation(s, ROLES)), stringList(annotation(s, GROUPS)),
                annotation(s, ISSUER), instant(annotation(s, ISSUED_AT)), instant(annotation(s, EXPIRES_AT)),
                annotation(s, JTI), annotation(s, KEY_FINGERPRINT), instant(annotation(s, RENEWAL_TIME)),
                annotation(s, RENEWAL_ERROR), proven);
    }

    /** The token stored in the Secret under its recorded key, or null. */
    public static String token(Secret s) {
        String key = annotation(s, DATA_KEY);
        String data = key == null || s.getData() == null ? null : s.getData().get(key);
        if (data == null) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The Secret with one annotation set (or removed, when {@code value} is null); the token untouched. */
    public static Secret annotated(Secret existing, String name, String value) {
        Map<String, String> annotations = new LinkedHashMap<>(existing.getMetadata().getAnnotations() == null
                ? Map.of() : existing.getMetadata().getAnnotations());
        if (value == null) {
            annotations.remove(name);
        } else {
            annotations.put(name, value);
        }
        return new SecretBuilder(existing).editMetadata().withAnnotations(annotations).endMetadata().build();
    }

    public static Instant instantAnnotation(Secret s, String name) {
        return instant(annotation(s, name));
    }

    public static List<String> listAnnotation(Secret s, String name) {
        return stringList(annotation(s, name));
    }

    public static String annotation(Secret s, String name) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        return a == null ? null : a.get(name);
    }

    private static Map<String, String> annotations(SecretTarget target, IssuedToken token, Renewal renewal) {
        Map<String, String> a = new HashMap<>();
        a.put(NAME, token.claims().name());
        a.put(EMAIL, token.claims().email() == null ? "" : token.claims().email());
        a.put(DURATION, renewal.duration());
        if (renewal.renewalTime() != null) {
            a.put(RENEWAL_TIME, renewal.renewalTime().toString());
        } else {
            a.put(RENEW, "false");
        }
        if (renewal.renewBefore() != null) {
            a.put(RENEW_BEFORE, renewal.renewBefore());
        }
        if (renewal.lastFailure() != null) {
            a.put(RENEWAL_ERROR, renewal.lastFailure());
        }
        a.put(SUBJECT, token.claims().sub());
        a.put(ROLES, json(token.claims().roles()));
        if (token.claims().groups() != null) {
            a.put(GROUPS, json(token.claims().groups()));
        }
        a.put(ISSUER, token.issuer());
        a.put(ISSUED_AT, token.issuedAt().toString());
        a.put(EXPIRES_AT, token.expiresAt().toString());
        a.put(JTI, token.jti());
        a.put(KEY_FINGERPRINT, token.keyFingerprint());
        a.put(DATA_KEY, target.key());
        return a;
    }

    private static String encode(IssuedToken token) {
        return Base64.getEncoder().encodeToString(token.token().getBytes(StandardCharsets.US_ASCII));
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> stringList(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
