package io.pxtoken.kube;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.token.IssuedToken;

/**
 * Writes tokens into Kubernetes Secrets that StorageClasses reference, and never anywhere else: only in the
 * namespaces of {@code pxtoken.secrets.namespaces}, never into the {@code pxkeys} Secret, and never over a Secret
 * that does not carry this service's managed-by label. Metadata says what is inside without the token.
 */
@ApplicationScoped
public class TokenSecretWriter {

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

    static final int MAX_ATTEMPTS = 8;

    private static final Logger LOG = Logger.getLogger(TokenSecretWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instance<KubernetesClient> clients;
    private final List<String> namespaces;
    private final String keysSecret;
    private final boolean clusterConfigured;
    /** Writers of one Secret queue up here instead of racing each other into update conflicts. */
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    @Inject
    public TokenSecretWriter(PxTokenConfig config, Instance<KubernetesClient> clients,
            @ConfigProperty(name = "quarkus.kubernetes-client.api-server-url") Optional<String> apiServer) {
        this.clients = clients;
        this.namespaces = config.secrets().namespaces().orElse(List.of());
        this.keysSecret = config.keys().secretName();
        this.clusterConfigured = config.kubernetes().enabled()
                .orElseGet(() -> detectCluster(System.getenv(), apiServer, Path.of(System.getProperty("user.home", "/"))));
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        LOG.infof("Token Secrets: %s", !clusterConfigured ? "off (no Kubernetes cluster configured)"
                : namespaces.isEmpty() ? "off (pxtoken.secrets.namespaces is empty)" : "may be written in " + namespaces);
    }

    /** A cluster is configured when running in a pod, when a kubeconfig exists, or when an API server URL is set. */
    static boolean detectCluster(Map<String, String> env, Optional<String> apiServer, Path home) {
        if (apiServer.isPresent() && !apiServer.get().isBlank()) {
            return true;
        }
        if (!env.getOrDefault("KUBERNETES_SERVICE_HOST", "").isBlank()) {
            return true;
        }
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            for (String file : kubeconfig.split(":")) {
                if (!file.isBlank() && Files.isRegularFile(Path.of(file))) {
                    return true;
                }
            }
        }
        return Files.isRegularFile(home.resolve(".kube").resolve("config"));
    }

    /** Whether a Kubernetes cluster is configured at all. */
    public boolean clusterConfigured() {
        return clusterConfigured;
    }

    /**
     * Checks, before anything is minted, that this service may write {@code target}.
     *
     * @throws KubernetesUnavailableException (503) when no cluster is configured
     * @throws SecretRefusedException when the target is off limits
     */
    public void check(SecretTarget target) {
        requireCluster();
        if (target.name().equals(keysSecret)) {
            throw new SecretRefusedException("Secret " + target + " is named like the Secret holding the shared secret ("
                    + keysSecret + "); tokens are never written into it");
        }
        requireNamespace(target.namespace());
    }

    /**
     * Creates the Secret, or updates it when this service manages it. Update conflicts are retried on the fresh
     * object, so concurrent writers end with one consistent token.
     *
     * @throws SecretNotManagedException when the Secret exists without the managed-by label
     * @throws KubernetesUnavailableException when the API is unreachable, too slow, refuses or fails
     */
    public WrittenSecret write(SecretTarget target, IssuedToken token) {
        check(target);
        ReentrantLock lock = stripes[Math.floorMod(target.toString().hashCode(), stripes.length)];
        lock.lock();
        try {
            KubernetesClient client = clients.get();
            for (int attempt = 1; ; attempt++) {
                try {
                    Secret existing = client.secrets().inNamespace(target.namespace()).withName(target.name()).get();
                    if (existing == null) {
                        Secret created = client.secrets().inNamespace(target.namespace()).resource(fresh(target, token)).create();
                        LOG.infof("Created Secret %s key %s with token jti=%s", target, target.key(), token.jti());
                        return new WrittenSecret(target, "created", created.getMetadata().getResourceVersion());
                    }
                    if (!managed(existing)) {
                        throw new SecretNotManagedException(target);
                    }
                    Secret updated = client.secrets().inNamespace(target.namespace()).resource(merged(existing, target, token)).update();
                    LOG.infof("Updated Secret %s key %s with token jti=%s", target, target.key(), token.jti());
                    return new WrittenSecret(target, "updated", updated.getMetadata().getResourceVersion());
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 409 && attempt < MAX_ATTEMPTS) {
                        pause(attempt);
                        continue;
                    }
                    if (e.getCode() == 409) {
                        throw new KubernetesUnavailableException(503, "kubernetes-conflict", "Secret " + target
                                + " kept changing under this service (" + MAX_ATTEMPTS + " conflicting writes); try again");
                    }
                    throw translate(e, "write", target);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The namespaces {@link #list(String)} reads: {@code namespace}, or every allowed one when it is null.
     *
     * @throws SecretRefusedException when the namespace is not allowed
     */
    public List<String> namespacesToList(String namespace) {
        requireCluster();
        if (namespace == null) {
            requireEnabled();
            return namespaces;
        }
        requireNamespace(namespace);
        return List.of(namespace);
    }

    /** The managed token Secrets of one namespace, or of every allowed namespace when {@code namespace} is null. */
    public List<ManagedSecret> list(String namespace) {
        List<String> where = namespacesToList(namespace);
        KubernetesClient client = clients.get();
        List<ManagedSecret> found = new ArrayList<>();
        for (String ns : where) {
            try {
                for (Secret s : client.secrets().inNamespace(ns).withLabel(MANAGED_BY, APP).list().getItems()) {
                    found.add(describe(s));
                }
            } catch (KubernetesClientException e) {
                throw translate(e, "list", ns);
            }
        }
        return found;
    }

    /**
     * The Secret {@code namespace/name} as a target this service may delete.
     *
     * @throws io.pxtoken.token.InvalidClaimsException when a name is invalid
     * @throws SecretRefusedException when it is off limits
     */
    public SecretTarget deletable(String namespace, String name) {
        SecretTarget target = SecretTarget.of("secret", namespace, name, null);
        check(target);
        return target;
    }

    /**
     * Deletes a token Secret this service manages.
     *
     * @throws SecretNotFoundException when it does not exist
     * @throws SecretNotManagedException when it is not this service's
     */
    public void delete(SecretTarget target) {
        check(target);
        KubernetesClient client = clients.get();
        String namespace = target.namespace();
        String name = target.name();
        try {
            Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
            if (existing == null) {
                throw new SecretNotFoundException("No Secret " + target);
            }
            if (!managed(existing)) {
                throw new SecretNotManagedException(target);
            }
            client.secrets().inNamespace(namespace).resource(existing).delete();
            LOG.infof("Deleted Secret %s (token jti=%s)", target, annotation(existing, JTI));
        } catch (KubernetesClientException e) {
            throw translate(e, "delete", target);
        }
    }

    private void requireCluster() {
        if (!clusterConfigured) {
            throw new KubernetesUnavailableException(503, "kubernetes-not-configured",
                    "No Kubernetes cluster is configured (not running in a pod, no kubeconfig), so tokens cannot be "
                            + "written to Secrets; leave out 'secret' to get the token alone");
        }
    }

    private void requireEnabled() {
        if (namespaces.isEmpty()) {
            throw new SecretRefusedException("Writing token Secrets is turned off: pxtoken.secrets.namespaces is empty. "
                    + "List the namespaces StorageClasses read tokens from (e.g. portworx) and grant the Role in k8s/");
        }
    }

    private void requireNamespace(String namespace) {
        requireEnabled();
        if (!namespaces.contains(namespace)) {
            throw new SecretRefusedException("Namespace " + namespace + " is not in pxtoken.secrets.namespaces "
                    + namespaces + "; token Secrets may only be written there");
        }
    }

    private static boolean managed(Secret s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        return labels != null && APP.equals(labels.get(MANAGED_BY));
    }

    private static Secret fresh(SecretTarget target, IssuedToken token) {
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

    /** Our labels, annotations and key over what is there; everything else on the Secret is kept. */
    private static Secret merged(Secret existing, SecretTarget target, IssuedToken token) {
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

    private static ManagedSecret describe(Secret s) {
        return new ManagedSecret(s.getMetadata().getNamespace(), s.getMetadata().getName(),
                annotation(s, DATA_KEY), annotation(s, SUBJECT), stringList(annotation(s, ROLES)), stringList(annotation(s, GROUPS)),
                annotation(s, ISSUER), instant(annotation(s, ISSUED_AT)), instant(annotation(s, EXPIRES_AT)),
                annotation(s, JTI), annotation(s, KEY_FINGERPRINT));
    }

    private static String annotation(Secret s, String name) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        return a == null ? null : a.get(name);
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

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 25L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Never quotes the API's message or body: a rejected write can echo the Secret, token included. */
    static RuntimeException translate(KubernetesClientException e, String verb, Object where) {
        int code = e.getCode();
        LOG.warnf("Kubernetes API call to %s secrets in %s failed: HTTP %d (%s)", verb, where, code, rootCause(e).getClass().getName());
        if (code == 403) {
            return new KubernetesUnavailableException(502, "kubernetes-forbidden", "Kubernetes refused to let this service "
                    + verb + " secrets in " + where + ": give its service account the Role of k8s/ in that namespace");
        }
        if (code == 404) {
            return new SecretNotFoundException("Kubernetes has no " + where + " (does the namespace exist?)");
        }
        if (code >= 400) {
            return new KubernetesUnavailableException(502, "kubernetes-error",
                    "The Kubernetes API answered HTTP " + code + " when asked to " + verb + " secrets in " + where);
        }
        Throwable root = rootCause(e);
        if (root.getClass().getName().contains("Timeout") || root instanceof java.io.InterruptedIOException) {
            return new KubernetesUnavailableException(504, "kubernetes-timeout",
                    "The Kubernetes API did not answer in time (pxtoken.kubernetes.timeout) to " + verb + " secrets in " + where);
        }
        if (root instanceof ConnectException || root instanceof UnknownHostException || root instanceof NoRouteToHostException) {
            return new KubernetesUnavailableException(503, "kubernetes-unreachable",
                    "The Kubernetes API cannot be reached to " + verb + " secrets in " + where);
        }
        return new KubernetesUnavailableException(503, "kubernetes-unreachable",
                "The Kubernetes API call to " + verb + " secrets in " + where + " failed (" + root.getClass().getSimpleName() + ")");
    }

    private static Throwable rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }
}
