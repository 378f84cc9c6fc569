package io.pxtoken.kube;

import java.util.List;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * Follows resources of one kind in every namespace (custom resources, namespaces) with an informer, and writes their
 * status. I/O only: what the handlers do with them is the caller's business.
 */
@ApplicationScoped
public class ResourceWatch {

    /** A running informer and its cache. */
    public static final class Watched<T extends HasMetadata> implements AutoCloseable {
        private final SharedIndexInformer<T> informer;

        Watched(SharedIndexInformer<T> informer) {
            this.informer = informer;
        }

        /** The cached resource, or null. */
        public T get(String namespace, String name) {
            return informer.getStore().getByKey(namespace == null ? name : Cache.namespaceKeyFunc(namespace, name));
        }

        /** Whether the informer has listed everything once (before that, its cache is incomplete). */
        public boolean synced() {
            return informer.hasSynced();
        }

        public List<T> list() {
            return informer.getStore().list();
        }

        @Override
        public void close() {
            informer.close();
        }
    }

    private final KubernetesCluster cluster;

    public ResourceWatch(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * @param changed called with each resource as first listed, whenever it changes, and every {@code resyncMillis}
     * @param removed called when one is deleted
     */
    public <T extends HasMetadata> Watched<T> watch(Class<T> type, long resyncMillis, Consumer<T> changed, Consumer<T> removed) {
        var resources = cluster.client().resources(type);
        SharedIndexInformer<T> informer = !Namespaced.class.isAssignableFrom(type)
                ? resources.runnableInformer(resyncMillis)
                : resources.inAnyNamespace().runnableInformer(resyncMillis);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T t) {
                changed.accept(t);
            }

            @Override
            public void onUpdate(T before, T after) {
                changed.accept(after);
            }

            @Override
            public void onDelete(T t, boolean finalStateUnknown) {
                removed.accept(t);
            }
        });
        informer.start();
        return new Watched<>(informer);
    }

    /**
     * Replaces the status of {@code resource} (its status subresource), whatever its resourceVersion.
     *
     * @throws KubernetesUnavailableException when the API refuses or cannot be reached
     */
    public <T extends HasMetadata> void updateStatus(T resource) {
        try {
            resource.getMetadata().setResourceVersion(null);
            cluster.client().resource(resource).updateStatus();
        } catch (KubernetesClientException e) {
            String where = resource.getKind() + " " + (resource.getMetadata().getNamespace() == null ? ""
                    : resource.getMetadata().getNamespace() + "/") + resource.getMetadata().getName();
            if (e.getCode() == 404) {
                throw new SecretNotFoundException(where + " is gone");
            }
            throw new KubernetesUnavailableException(e.getCode() == 0 ? 503 : 502, "kubernetes-error",
                    "Could not write the status of " + where + " (HTTP " + e.getCode() + ")");
        }
    }
}
