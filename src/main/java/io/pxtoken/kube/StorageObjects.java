package io.pxtoken.kube;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Reads what names the Secrets Portworx takes tokens from: StorageClasses, PersistentVolumes and PersistentVolumeClaims,
 * cluster-wide ({@code get list watch} in the ClusterRole of {@code k8s/checks-rbac.yaml}). Each comes back as a record of
 * the few fields the check needs. Reads only. The leader's check reads them from informer caches that keep only those
 * fields ({@link #TRIM_STORAGE_CLASS}, {@link #TRIM_VOLUME}, {@link #TRIM_CLAIM}); a request on any replica lists them.
 */
@ApplicationScoped
public class StorageObjects {

    private static final Logger LOG = Logger.getLogger(StorageObjects.class);

    /** A StorageClass: its parameters name the token Secret. */
    public record StorageClassInfo(String name, String uid, Map<String, String> parameters) {
    }

    /** A PersistentVolume: its annotations record the provisioner's deletion secret. */
    public record VolumeInfo(String name, Map<String, String> annotations) {
    }

    /** A PersistentVolumeClaim: expands a StorageClass's {@code ${pvc.namespace}}, {@code ${pvc.name}} and {@code ${pv.name}}. */
    public record ClaimInfo(String namespace, String name, String storageClassName, String volumeName) {
    }

    /** The prefix of the PV annotations that record the provisioner's deletion secret (its name and namespace). */
    public static final String DELETION_SECRET_PREFIX = "volume.kubernetes.io/provisioner-deletion-secret-";

    /** What a cache keeps of a StorageClass: its name, uid and parameters. */
    public static final UnaryOperator<StorageClass> TRIM_STORAGE_CLASS = sc -> {
        Trim.metadata(sc, Trim.NONE, Trim.NONE);
        sc.setMountOptions(null);
        sc.setAllowedTopologies(null);
        sc.getAdditionalProperties().clear();
        return sc;
    };

    /** What a cache keeps of a PersistentVolume: its name and deletion-secret annotations. */
    public static final UnaryOperator<PersistentVolume> TRIM_VOLUME = pv -> {
        Trim.metadata(pv, Trim.NONE, Trim.prefixed(DELETION_SECRET_PREFIX));
        pv.setSpec(null);
        pv.setStatus(null);
        pv.getAdditionalProperties().clear();
        return pv;
    };

    /** What a cache keeps of a PersistentVolumeClaim: its namespace, name, StorageClass and volume. */
    public static final UnaryOperator<PersistentVolumeClaim> TRIM_CLAIM = c -> {
        Trim.metadata(c, Trim.NONE, Trim.NONE);
        var spec = c.getSpec();
        c.setSpec(spec == null ? null : new PersistentVolumeClaimSpecBuilder().withStorageClassName(spec.getStorageClassName())
                .withVolumeName(spec.getVolumeName()).build());
        c.setStatus(null);
        c.getAdditionalProperties().clear();
        return c;
    };

    private final KubernetesCluster cluster;

    public StorageObjects(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    public List<StorageClassInfo> storageClasses() {
        return read("storageclasses", () -> cluster.client().storage().v1().storageClasses().list().getItems())
                .stream().map(StorageObjects::storageClass).toList();
    }

    public List<VolumeInfo> persistentVolumes() {
        return read("persistentvolumes", () -> cluster.client().persistentVolumes().list().getItems()).stream()
                .map(StorageObjects::volume).toList();
    }

    public List<ClaimInfo> claims() {
        return read("persistentvolumeclaims", () -> cluster.client().persistentVolumeClaims().inAnyNamespace().list().getItems())
                .stream().map(StorageObjects::claim).toList();
    }

    /**
     * Follows the StorageClasses with an informer.
     *
     * @param changed called when one is added, changed or deleted
     * @return what stops the informer
     */
    public AutoCloseable watchStorageClasses(Runnable changed) {
        SharedIndexInformer<StorageClass> informer = cluster.client().storage().v1().storageClasses().inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(StorageClass sc) {
                        changed.run();
                    }

                    @Override
                    public void onUpdate(StorageClass before, StorageClass after) {
                        if (!java.util.Objects.equals(before.getMetadata().getResourceVersion(),
                                after.getMetadata().getResourceVersion())) {
                            changed.run();
                        }
                    }

                    @Override
                    public void onDelete(StorageClass sc, boolean finalStateUnknown) {
                        changed.run();
                    }
                }, 0);
        return informer::close;
    }

    public static StorageClassInfo storageClass(StorageClass sc) {
        return new StorageClassInfo(sc.getMetadata().getName(), sc.getMetadata().getUid(), orEmpty(sc.getParameters()));
    }

    public static VolumeInfo volume(PersistentVolume pv) {
        return new VolumeInfo(pv.getMetadata().getName(), orEmpty(pv.getMetadata().getAnnotations()));
    }

    public static ClaimInfo claim(PersistentVolumeClaim c) {
        return new ClaimInfo(c.getMetadata().getNamespace(), c.getMetadata().getName(),
                c.getSpec() == null ? null : c.getSpec().getStorageClassName(),
                c.getSpec() == null ? null : c.getSpec().getVolumeName());
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : Map.copyOf(m);
    }

    private static <T> T read(String resource, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(e, resource);
        }
    }

    /** Never quotes the API's message; names the resource and what to grant. */
    static KubernetesUnavailableException translate(KubernetesClientException e, String resource) {
        int code = e.getCode();
        LOG.warnf("Kubernetes API call to list %s failed: HTTP %d", resource, code);
        if (code == 403) {
            return new KubernetesUnavailableException(502, "kubernetes-forbidden", "Kubernetes refused to let this service list "
                    + resource + ": apply the ClusterRole of k8s/checks-rbac.yaml");
        }
        if (code >= 400) {
            return new KubernetesUnavailableException(502, "kubernetes-error",
                    "The Kubernetes API answered HTTP " + code + " when asked to list " + resource);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root.getClass().getName().contains("Timeout") || root instanceof java.io.InterruptedIOException) {
            return new KubernetesUnavailableException(504, "kubernetes-timeout",
                    "The Kubernetes API did not answer in time (pxtoken.kubernetes.timeout) to list " + resource);
        }
        return new KubernetesUnavailableException(503, "kubernetes-unreachable",
                "The Kubernetes API cannot be reached to list " + resource);
    }
}
