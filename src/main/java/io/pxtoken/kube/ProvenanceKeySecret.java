package io.pxtoken.kube;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pxtoken.config.PxTokenConfig;

/**
 * The key of {@link io.pxtoken.provenance.Provenance}: 32 random bytes in the Secret {@code pxtoken.provenance.secret-name}
 * of the service's own namespace, made by the first replica that needs it (a create that another replica won is read
 * back: the API server decides, no coordination of our own). It is never a signing key, so a rotation of the shared
 * secret leaves every proof valid, and a new leader reads the same key. Loaded once and kept; until it can be had,
 * nothing that needs a proof is written or renewed.
 */
@ApplicationScoped
public class ProvenanceKeySecret {

    /** Data key of the Secret. */
    public static final String DATA_KEY = "hmac-key";
    private static final int BYTES = 32;
    private static final Logger LOG = Logger.getLogger(ProvenanceKeySecret.class);

    /** The key and a short id of it (not secret: a digest's prefix), to tell proofs of another key apart. */
    public record Key(byte[] bytes, String id) {
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final KubernetesCluster cluster;
    private final Leadership leadership;
    private final PxTokenConfig config;
    private final SecureRandom random = new SecureRandom();
    private volatile Key key;

    public ProvenanceKeySecret(KubernetesCluster cluster, Leadership leadership, PxTokenConfig config) {
        this.cluster = cluster;
        this.leadership = leadership;
        this.config = config;
    }

    /** The Secret's name. */
    public String name() {
        return config.provenance().secretName();
    }

    /** The Secret's namespace: {@code pxtoken.provenance.namespace}, else the service's own. */
    public String namespace() {
        return config.provenance().namespace().orElseGet(leadership::defaultNamespace);
    }

    /**
     * @throws KubernetesUnavailableException (503) when the key Secret can be neither read nor made, or is unusable
     */
    public Key key() {
        Key k = key;
        if (k == null) {
            synchronized (this) {
                k = key;
                if (k == null) {
                    k = load();
                    key = k;
                }
            }
        }
        return k;
    }

    private Key load() {
        String ns = namespace();
        String where = ns + "/" + name();
        var secrets = cluster.client().secrets().inNamespace(ns);
        try {
            Secret s = secrets.withName(name()).get();
            if (s == null) {
                byte[] fresh = new byte[BYTES];
                random.nextBytes(fresh);
                try {
                    s = secrets.resource(new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name())
                            .withLabels(Map.of(ManagedSecrets.NAME_LABEL, ManagedSecrets.APP)).endMetadata().withType("Opaque")
                            .withData(Map.of(DATA_KEY, Base64.getEncoder().encodeToString(fresh))).build()).create();
                    LOG.infof("Created the provenance key Secret %s", where);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    // another replica made it first: theirs is the key
                    s = secrets.withName(name()).get();
                }
            }
            return decode(s, where);
        } catch (KubernetesClientException e) {
            if (e.getCode() <= 0) {
                // no answer at all: the API server is unreachable or slow, as for any other call
                throw TokenSecrets.translate(e, "read", where, false);
            }
            LOG.warnf("The provenance key Secret %s could not be read or created: HTTP %d", where, e.getCode());
            throw new KubernetesUnavailableException(503, "provenance-key-unavailable", "The provenance key (Secret " + where
                    + ") could not be read or created (HTTP " + e.getCode() + "): nothing that needs proof of provenance is "
                    + "written; grant the service account get on that Secret and create on Secrets there (k8s/provenance-rbac.yaml)");
        }
    }

    private static Key decode(Secret s, String where) {
        String data = s == null || s.getData() == null ? null : s.getData().get(DATA_KEY);
        byte[] bytes;
        try {
            bytes = data == null ? new byte[0] : Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length < BYTES) {
            LOG.warnf("The provenance key Secret %s has no usable key %s", where, DATA_KEY);
            throw new KubernetesUnavailableException(503, "provenance-key-unavailable", "The provenance key Secret " + where
                    + " has no key '" + DATA_KEY + "' of at least " + BYTES + " bytes: delete it and the service makes a new one "
                    + "(every managed token must then be minted again)");
        }
        try {
            String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 8);
            return new Key(bytes, id);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
