package io.pxtoken.kube;

import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        private final CompletableFuture<Void> started;

        Watched(SharedIndexInformer<T> informer, CompletableFuture<Void> started) {
            this.informer = informer;
            this.started = started;
        }

        /**
         * Why the informer could not list (the API refused, or does not serve the kind), or null while it is listing or
         * has listed. It does not retry such a failure: open a new watch.
         */
        public String failure() {
            if (!started.isCompletedExceptionally()) {
                return null;
            }
            try {
                started.join();
                return null;
            } catch (RuntimeException e) {
                Throwable t = e;
                while (t.getCause() != null && !(t instanceof KubernetesClientException)) {
                    t = t.getCause();
                }
                return t instanceof KubernetesClientException k ? "HTTP " + k.getCode() : t.getClass().getSimpleName();
            }
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
        return start(informer, changed, removed);
    }

    /**
     * {@link #watch} of one cluster-scoped resource by name: a field selector, so that {@code get list watch} on that
     * name alone is enough.
     */
    public <T extends HasMetadata> Watched<T> watchNamed(Class<T> type, String name, Consumer<T> changed, Consumer<T> removed) {
        return start(cluster.client().resources(type).withName(name).runnableInformer(0), changed, removed);
    }

    private <T extends HasMetadata> Watched<T> start(SharedIndexInformer<T> informer, Consumer<T> changed, Consumer<T> removed) {
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
        return new Watched<>(informer, informer.start().toCompletableFuture());
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

    /**
     * Replaces the status of {@code resource} if it still has the resourceVersion it carries (the cache's): one request,
     * where {@link #updateStatus} reads the resource first.
     *
     * @throws KubernetesConflictException when it changed since (look again once the cache has the change)
     * @throws KubernetesUnavailableException when the API refuses or cannot be reached
     */
    public <T extends HasMetadata> void replaceStatus(T resource) {
        if (resource.getMetadata().getResourceVersion() == null) {
            updateStatus(resource);
            return;
        }
        try {
            cluster.client().resource(resource).updateStatus();
        } catch (KubernetesClientException e) {
            String where = resource.getKind() + " " + (resource.getMetadata().getNamespace() == null ? ""
                    : resource.getMetadata().getNamespace() + "/") + resource.getMetadata().getName();
            if (e.getCode() == 409) {
                throw new KubernetesConflictException(where + " changed while its status was written");
            }
            if (e.getCode() == 404) {
                throw new SecretNotFoundException(where + " is gone");
            }
            throw new KubernetesUnavailableException(e.getCode() == 0 ? 503 : 502, "kubernetes-error",
                    "Could not write the status of " + where + " (HTTP " + e.getCode() + ")");
        }
    }
}
