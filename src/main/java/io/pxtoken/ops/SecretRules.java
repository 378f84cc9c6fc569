package io.pxtoken.ops;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.KubernetesCluster;
import io.pxtoken.kube.KubernetesUnavailableException;
import io.pxtoken.kube.ProvenanceKeySecret;
import io.pxtoken.kube.SecretRefusedException;
import io.pxtoken.kube.SecretTarget;

/**
 * Where this service keeps token Secrets: only in the namespaces of {@code pxtoken.secrets.namespaces}, never in the
 * {@code pxkeys} Secret, and only when a cluster is configured. Decisions only; no I/O.
 */
@ApplicationScoped
public class SecretRules {

    private static final Logger LOG = Logger.getLogger(SecretRules.class);

    /** Namespaces no ClusterPxToken writes into, whatever its selector says. */
    public static final List<String> SYSTEM_NAMESPACES = List.of("kube-system", "kube-public", "kube-node-lease");

    private final List<String> namespaces;
    private final String keysSecret;
    private final KubernetesCluster cluster;
    private final ProvenanceKeySecret provenanceKey;
    private final List<String> excluded;

    public SecretRules(PxTokenConfig config, KubernetesCluster cluster, ProvenanceKeySecret provenanceKey) {
        this.namespaces = config.secrets().namespaces().orElse(List.of());
        this.keysSecret = config.keys().secretName();
        this.cluster = cluster;
        this.provenanceKey = provenanceKey;
        this.excluded = config.tenants().excludedNamespaces().orElse(List.of());
        LOG.infof("Token Secrets: %s", !cluster.configured() ? "off (no Kubernetes cluster configured)"
                : namespaces.isEmpty() ? "off (pxtoken.secrets.namespaces is empty)" : "may be written in " + namespaces);
    }

    /**
     * @throws KubernetesUnavailableException (503) when no cluster is configured
     * @throws SecretRefusedException (403) when the target is off limits
     */
    public void check(SecretTarget target) {
        requireCluster("so no token Secret can be written; to get the token alone, mint without 'secret'");
        refuseKeysSecret(target);
        requireNamespace(target.namespace());
    }

    /**
     * The rules for a ClusterPxToken's Secret in a tenant namespace: any namespace its selector matches (the tenants
     * switch and the selector are the limit, not {@code pxtoken.secrets.namespaces}), never the pxkeys Secret.
     *
     * @throws KubernetesUnavailableException (503) when no cluster is configured
     * @throws SecretRefusedException (403) when the target is off limits
     */
    public void checkTenant(SecretTarget target) {
        requireCluster("so no token Secret can be written");
        refuseKeysSecret(target);
        if (excludedFromTenants(target.namespace())) {
            throw new SecretRefusedException("Namespace " + target.namespace() + " never receives a ClusterPxToken's Secret "
                    + "(kube-system, kube-public, kube-node-lease, the service's own namespace and pxtoken.tenants.excluded-namespaces)");
        }
    }

    /** Whether a ClusterPxToken must leave this namespace alone, whatever its selector matches. */
    public boolean excludedFromTenants(String namespace) {
        return SYSTEM_NAMESPACES.contains(namespace) || excluded.contains(namespace)
                || (cluster.configured() && namespace.equals(provenanceKey.namespace()));
    }

    /**
     * The same rules for deleting a token Secret.
     *
     * @throws KubernetesUnavailableException (503) when no cluster is configured
     * @throws SecretRefusedException (403) when the target is off limits
     */
    public void checkDeletable(SecretTarget target) {
        requireCluster("so there are no token Secrets to delete");
        refuseKeysSecret(target);
        requireNamespace(target.namespace());
    }

    private void refuseKeysSecret(SecretTarget target) {
        if (target.name().equals(keysSecret)) {
            throw new SecretRefusedException("Secret " + target + " is named like the Secret holding the shared secret ("
                    + keysSecret + "); tokens are never written into it");
        }
        if (target.name().equals(provenanceKey.name())) {
            throw new SecretRefusedException("Secret " + target + " is named like the Secret holding the provenance key ("
                    + provenanceKey.name() + "); tokens are never written into it");
        }
    }

    /** The namespaces a listing covers: {@code namespace}, or every allowed one when it is null. */
    public List<String> namespacesToList(String namespace) {
        requireCluster("so there are no token Secrets to list");
        if (namespace == null) {
            requireEnabled();
            return namespaces;
        }
        requireNamespace(namespace);
        return List.of(namespace);
    }

    private void requireCluster(String consequence) {
        if (!cluster.configured()) {
            throw new KubernetesUnavailableException(503, "kubernetes-not-configured",
                    "No Kubernetes cluster is configured (not running in a pod, no kubeconfig), " + consequence);
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
}
