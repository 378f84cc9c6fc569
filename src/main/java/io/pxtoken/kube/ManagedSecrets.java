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

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedSecrets() {
    }

    /** Whether this service manages the Secret (its managed-by label names this service). */
    public static boolean managed(Secret s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        return labels != null && APP.equals(labels.get(MANAGED_BY));
    }

    /** A new Secret holding the token. */
    public static Secret fresh(SecretTarget target, IssuedToken token) {
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace(target.namespace())
                .withName(target.name())
                .withLabels(Map.of(MANAGED_BY, APP, NAME_LABEL, APP))
                .withAnnotations(annotations(target, token))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(target.key(), encode(token)))
                .build();
    }

    /**
     * Our labels, annotations and key over what is there; everything else on the Secret is kept, its uid and
     * resourceVersion included, so the update fails if the Secret changed since it was read.
     */
    public static Secret merged(Secret existing, SecretTarget target, IssuedToken token) {
        ObjectMeta meta = existing.getMetadata();
        Map<String, String> labels = new LinkedHashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.put(MANAGED_BY, APP);
        labels.put(NAME_LABEL, APP);
        Map<String, String> annotations = new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        annotations.remove(GROUPS);
        annotations.putAll(annotations(target, token));
        Map<String, String> data = new LinkedHashMap<>(existing.getData() == null ? Map.of() : existing.getData());
        data.put(target.key(), encode(token));
        return new SecretBuilder(existing)
                .editMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withData(data)
                .withStringData(null)
                .build();
    }

    /** A managed Secret as its metadata describes it. */
    public static ManagedSecret describe(Secret s) {
        return new ManagedSecret(s.getMetadata().getNamespace(), s.getMetadata().getName(),
                annotation(s, DATA_KEY), annotation(s, SUBJECT), stringList(annotation(s, ROLES)), stringList(annotation(s, GROUPS)),
                annotation(s, ISSUER), instant(annotation(s, ISSUED_AT)), instant(annotation(s, EXPIRES_AT)),
                annotation(s, JTI), annotation(s, KEY_FINGERPRINT));
    }

    public static String annotation(Secret s, String name) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        return a == null ? null : a.get(name);
    }

    private static Map<String, String> annotations(SecretTarget target, IssuedToken token) {
        Map<String, String> a = new HashMap<>();
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
