package io.pxtoken.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;

/**
 * Follows the managed token Secrets of some namespaces with informers restricted by the managed-by label: a watch,
 * not a poll, and no rights beyond {@code get list watch} on Secrets there.
 */
@ApplicationScoped
public class SecretWatch {

    private final KubernetesCluster cluster;

    public SecretWatch(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * @param changed called with each managed Secret as it is first listed, and again whenever it changes
     * @param removed called when one is deleted or loses the label
     * @return what stops the informers
     */
    public AutoCloseable watch(List<String> namespaces, Consumer<Secret> changed, Consumer<Secret> removed) {
        List<SharedIndexInformer<Secret>> informers = new ArrayList<>();
        ResourceEventHandler<Secret> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                changed.accept(s);
            }

            @Override
            public void onUpdate(Secret before, Secret after) {
                changed.accept(after);
            }

            @Override
            public void onDelete(Secret s, boolean finalStateUnknown) {
                removed.accept(s);
            }
        };
        var client = cluster.client();
        for (String ns : namespaces) {
            var secrets = ns == null ? client.secrets().inAnyNamespace() : client.secrets().inNamespace(ns);
            // the handlers get whole Secrets; the informer's own cache keeps their keys and versions only (it serves
            // deletes and relists), so thousands of tokens are not held twice
            SharedIndexInformer<Secret> informer = secrets
                    .withLabel(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).runnableInformer(0)
                    .itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Secret.class,
                            client.getKubernetesSerialization(), "metadata.resourceVersion"));
            informer.addEventHandler(handler);
            informer.start();
            informers.add(informer);
        }
        return () -> informers.forEach(SharedIndexInformer::close);
    }

    /** {@link #watch} in every namespace: one informer, which needs {@code list watch} on Secrets cluster-wide. */
    public AutoCloseable watchEverywhere(Consumer<Secret> changed, Consumer<Secret> removed) {
        return watch(java.util.Collections.singletonList(null), changed, removed);
    }
}
