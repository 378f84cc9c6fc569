package io.pxtoken.kube;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Reads and writes Secrets, and nothing else: no policy, no retries. Writes are optimistic: an update carries the
 * uid and resourceVersion it was read with, a delete the resourceVersion as a precondition, and a change in between
 * is a {@link KubernetesConflictException}.
 */
@ApplicationScoped
public class TokenSecrets {

    private static final Logger LOG = Logger.getLogger(TokenSecrets.class);

    private final KubernetesCluster cluster;

    public TokenSecrets(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    public Optional<Secret> read(String namespace, String name) {
        try {
            return Optional.ofNullable(cluster.client().secrets().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            throw translate(e, "read", namespace + "/" + name, false);
        }
    }

    /**
     * Reads a Secret for the check: a Secret the API refuses to show (403) is {@code FORBIDDEN}, not a failure.
     *
     * @param key the data key whose value is wanted
     * @param proven whether a managed Secret's proof of provenance checks out
     */
    public SecretLookup lookup(String namespace, String name, String key, java.util.function.Predicate<Secret> proven) {
        try {
            Secret s = cluster.client().secrets().inNamespace(namespace).withName(name).get();
            return s == null ? SecretLookup.missing() : SecretLookup.found(s, key, proven);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return SecretLookup.forbidden("Kubernetes refused to let this service get secrets in " + namespace
                        + ": grant the Role of k8s/ there, or leave it out of pxtoken.checks.namespaces");
            }
            if (e.getCode() == 404) {
                return SecretLookup.missing();
            }
            throw translate(e, "read", namespace + "/" + name, false);
        }
    }

    public Secret create(Secret secret) {
        try {
            return cluster.client().secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
        } catch (KubernetesClientException e) {
            throw translate(e, "write", where(secret), true);
        }
    }

    /**
     * Creates the Secret unless one of its name exists: one request where a read-then-create costs two.
     *
     * @return the created Secret, or empty when the API answered 409 (a Secret of that name exists, whoever wrote it:
     *         nothing was written, and the caller reads it to judge it)
     */
    public Optional<Secret> createIfAbsent(Secret secret) {
        try {
            return Optional.of(cluster.client().secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Optional.empty();
            }
            throw translate(e, "write", where(secret), true);
        }
    }

    /** Replaces the Secret if it still has the resourceVersion (and uid) it carries. */
    public Secret update(Secret secret) {
        try {
            return cluster.client().secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).update();
        } catch (KubernetesClientException e) {
            throw translate(e, "write", where(secret), true);
        }
    }

    /**
     * Deletes the Secret if it still has {@code resourceVersion}: a Secret replaced since it was read has another.
     *
     * @return false when it no longer exists
     */
    public boolean delete(String namespace, String name, String resourceVersion) {
        try {
            var deleted = cluster.client().secrets().inNamespace(namespace).withName(name).lockResourceVersion(resourceVersion).delete();
            return !deleted.isEmpty();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw translate(e, "delete", namespace + "/" + name, true);
        }
    }

    /** The Secrets of a namespace that carry this service's managed-by label. */
    public List<Secret> listManaged(String namespace) {
        try {
            return cluster.client().secrets().inNamespace(namespace)
                    .withLabel(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).list().getItems();
        } catch (KubernetesClientException e) {
            throw translate(e, "list", namespace, false);
        }
    }

    /** The managed Secrets of every namespace that carry label {@code label=value}. */
    public List<Secret> listManagedLabelled(String label, String value) {
        try {
            return cluster.client().secrets().inAnyNamespace()
                    .withLabel(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).withLabel(label, value).list().getItems();
        } catch (KubernetesClientException e) {
            throw translate(e, "list", "every namespace", false);
        }
    }

    private static String where(Secret s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }

    /**
     * Never quotes the API's message or body: a rejected write can echo the Secret, token included.
     *
     * @param mutating whether the call changes something, so that a lost answer leaves its outcome unknown
     */
    static RuntimeException translate(KubernetesClientException e, String verb, String where, boolean mutating) {
        int code = e.getCode();
        if (code == 409) {
            return new KubernetesConflictException("Secret " + where + " changed while this service was writing it");
        }
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
            return mutating
                    ? new KubernetesUnavailableException(504, "kubernetes-timeout", "The Kubernetes API did not answer in time "
                            + "(pxtoken.kubernetes.timeout) to " + verb + " " + where + "; the token may have been stored: "
                            + "GET /v1/secrets shows what is there", true)
                    : new KubernetesUnavailableException(504, "kubernetes-timeout",
                            "The Kubernetes API did not answer in time (pxtoken.kubernetes.timeout) to " + verb + " secrets in " + where);
        }
        if (root instanceof ConnectException || root instanceof UnknownHostException || root instanceof NoRouteToHostException) {
            return new KubernetesUnavailableException(503, "kubernetes-unreachable",
                    "The Kubernetes API cannot be reached to " + verb + " secrets in " + where);
        }
        return new KubernetesUnavailableException(503, "kubernetes-unreachable",
                "The Kubernetes API call to " + verb + " secrets in " + where + " failed (" + root.getClass().getSimpleName() + ")",
                mutating);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }
}
