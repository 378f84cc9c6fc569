package io.pxtoken.kube;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;

/**
 * Follows the managed token Secrets of some namespaces with informers restricted by the managed-by label: a watch,
 * not a poll, and no rights beyond {@code get list watch} on Secrets there.
 *
 * <p>Watches opened {@link #together} share one informer per namespace: the leader's renewal, declared tokens and
 * token check follow the same Secrets, and one list and one watch per namespace serve all three (as a shared informer
 * factory does). A watch opened alone gets informers of its own.
 */
@ApplicationScoped
public class SecretWatch {

    /** An informer not yet started, and its subscribers while they last. */
    private static final class Shared {
        final SharedIndexInformer<Secret> informer;
        final AtomicInteger open = new AtomicInteger();

        Shared(SharedIndexInformer<Secret> informer) {
            this.informer = informer;
        }

        /** Adds a subscriber; what it returns stops its events, and the informer with the last one. */
        AutoCloseable subscribe(Consumer<Secret> changed, Consumer<Secret> removed) {
            open.incrementAndGet();
            Handler handler = new Handler(changed, removed);
            informer.addEventHandler(handler);
            return () -> {
                if (handler.active.compareAndSet(true, false) && open.decrementAndGet() == 0) {
                    informer.close();
                }
            };
        }
    }

    private static final class Handler implements ResourceEventHandler<Secret> {
        final Consumer<Secret> changed;
        final Consumer<Secret> removed;
        final AtomicBoolean active = new AtomicBoolean(true);

        Handler(Consumer<Secret> changed, Consumer<Secret> removed) {
            this.changed = changed;
            this.removed = removed;
        }

        @Override
        public void onAdd(Secret s) {
            if (active.get()) {
                changed.accept(s);
            }
        }

        @Override
        public void onUpdate(Secret before, Secret after) {
            if (active.get()) {
                changed.accept(after);
            }
        }

        @Override
        public void onDelete(Secret s, boolean finalStateUnknown) {
            if (active.get()) {
                removed.accept(s);
            }
        }
    }

    /** The informers being assembled by {@link #together} on this thread, by namespace ("" for every namespace). */
    private final ThreadLocal<Map<String, Shared>> assembling = new ThreadLocal<>();
    private final KubernetesCluster cluster;

    public SecretWatch(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Runs {@code opens}, in which watches are opened, and starts their informers at its end: watches of the same
     * namespace share one informer (its handlers are all in place before it lists, so each sees every Secret).
     */
    public void together(Runnable opens) {
        if (assembling.get() != null) {
            opens.run();
            return;
        }
        Map<String, Shared> shared = new HashMap<>();
        assembling.set(shared);
        try {
            opens.run();
        } finally {
            assembling.remove();
            shared.values().forEach(s -> {
                if (s.open.get() > 0) {
                    s.informer.start();
                } else {
                    s.informer.close();
                }
            });
        }
    }

    /**
     * @param changed called with each managed Secret as it is first listed, and again whenever it changes
     * @param removed called when one is deleted or loses the label
     * @return what stops the informers
     */
    public AutoCloseable watch(List<String> namespaces, Consumer<Secret> changed, Consumer<Secret> removed) {
        Map<String, Shared> shared = assembling.get();
        List<AutoCloseable> subscriptions = new ArrayList<>();
        for (String ns : namespaces) {
            if (shared != null) {
                subscriptions.add(shared.computeIfAbsent(ns == null ? "" : ns, k -> new Shared(informer(ns)))
                        .subscribe(changed, removed));
            } else {
                Shared own = new Shared(informer(ns));
                subscriptions.add(own.subscribe(changed, removed));
                own.informer.start();
            }
        }
        return () -> {
            for (AutoCloseable s : subscriptions) {
                s.close();
            }
        };
    }

    /** {@link #watch} in every namespace: one informer, which needs {@code list watch} on Secrets cluster-wide. */
    public AutoCloseable watchEverywhere(Consumer<Secret> changed, Consumer<Secret> removed) {
        return watch(java.util.Collections.singletonList(null), changed, removed);
    }

    /** An informer of the managed Secrets of {@code ns} (null: every namespace), not started. */
    private SharedIndexInformer<Secret> informer(String ns) {
        var client = cluster.client();
        var secrets = ns == null ? client.secrets().inAnyNamespace() : client.secrets().inNamespace(ns);
        // the handlers get whole Secrets; the informer's own cache keeps their keys and versions only (it serves
        // deletes and relists), so thousands of tokens are not held in memory
        return secrets.withLabel(ManagedSecrets.MANAGED_BY, ManagedSecrets.APP).runnableInformer(0)
                .itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Secret.class,
                        client.getKubernetesSerialization(), "metadata.resourceVersion"));
    }
}
