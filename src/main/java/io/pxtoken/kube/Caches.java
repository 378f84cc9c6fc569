package io.pxtoken.kube;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

/**
 * The informer caches of one leadership: the controllers' only way to read the cluster. Each informer lists once (in
 * pages of {@value #PAGE}), then watches; its store keeps what the {@link Spec#trim() trim} leaves of each object (the
 * fields the service reads), so an object's size beyond them costs nothing once it is parsed. Indexes (by namespace,
 * always; by owner uid, by label, as asked) answer "which objects" without a LIST; they are computed from what the
 * trim keeps, so a trim keeps what its indexes read.
 *
 * <p>Caches opened with the same kind, namespace and labels share one informer (one list, one watch), as a shared
 * informer factory does; their trims must then be the same function. Everything opened is started by
 * {@link #start()} and stopped by {@link #close()}.
 */
public final class Caches implements AutoCloseable {

    /** Objects per page of an informer's list: a page of large objects is what the list holds at once. */
    public static final long PAGE = 100;
    /** fabric8's own index of every informer: the namespace. */
    public static final String BY_NAMESPACE = Cache.NAMESPACE_INDEX;
    /** The index by the uid of each owner reference. */
    public static final String BY_OWNER = "owner-uid";

    /** What to cache of one kind. */
    public record Spec<T extends HasMetadata>(Class<T> type, List<String> namespaces, Map<String, String> labels,
            UnaryOperator<T> trim, Map<String, Function<T, List<String>>> indexers) {

        /** Every object of {@code type} (every namespace), kept whole until {@link #trim} says otherwise. */
        public static <T extends HasMetadata> Spec<T> of(Class<T> type) {
            return new Spec<>(type, null, Map.of(), UnaryOperator.identity(), Map.of());
        }

        /** Only these namespaces (one informer each, for rights given per namespace). */
        public Spec<T> in(List<String> ns) {
            return new Spec<>(type, List.copyOf(ns), labels, trim, indexers);
        }

        /** Only objects labelled {@code key=value} (a label selector on the list and watch). */
        public Spec<T> labelled(String key, String value) {
            Map<String, String> l = new LinkedHashMap<>(labels);
            l.put(key, value);
            return new Spec<>(type, namespaces, Map.copyOf(l), trim, indexers);
        }

        /** What is kept of each object: changes the object given and returns it (see {@link Trim}). */
        public Spec<T> trim(UnaryOperator<T> t) {
            return new Spec<>(type, namespaces, labels, t, indexers);
        }

        public Spec<T> index(String name, Function<T, List<String>> values) {
            Map<String, Function<T, List<String>>> i = new LinkedHashMap<>(indexers);
            i.put(name, values);
            return new Spec<>(type, namespaces, labels, trim, Map.copyOf(i));
        }

        /** Indexed by the uid of each owner reference ({@link #BY_OWNER}). */
        public Spec<T> indexByOwner() {
            return index(BY_OWNER, Caches::ownerUids);
        }

        /** Indexed by the value of label {@code label} (index name: the label). */
        public Spec<T> indexByLabel(String label) {
            return index(label, o -> {
                Map<String, String> l = o.getMetadata().getLabels();
                String v = l == null ? null : l.get(label);
                return v == null ? List.of() : List.of(v);
            });
        }
    }

    /** What a cache tells its subscriber. */
    public interface Events<T> {
        /** An object was listed, added or changed (what the trim left of it). */
        void changed(T object);

        /** An object was deleted (or left the selector). */
        void removed(T object);

        /** An object changed from {@code before} (what the cache held) to {@code after}: {@link #changed} unless overridden. */
        default void updated(T before, T after) {
            changed(after);
        }

        /** Runs {@code r} on any event. */
        static <T> Events<T> any(Runnable r) {
            return new Events<>() {
                @Override
                public void changed(T object) {
                    r.run();
                }

                @Override
                public void removed(T object) {
                    r.run();
                }
            };
        }
    }

    /** A read-only view of the objects of one spec: all its informers together. */
    public static final class View<T extends HasMetadata> {
        private final boolean namespaced;
        private final Map<String, SharedIndexInformer<T>> byNamespace;

        View(boolean namespaced, Map<String, SharedIndexInformer<T>> byNamespace) {
            this.namespaced = namespaced;
            this.byNamespace = byNamespace;
        }

        /** The cached object, or null. */
        public T get(String namespace, String name) {
            String key = namespaced ? Cache.namespaceKeyFunc(namespace, name) : name;
            SharedIndexInformer<T> one = byNamespace.get(namespaced ? namespace : "");
            if (one == null) {
                one = byNamespace.get("");
            }
            return one == null ? null : one.getStore().getByKey(key);
        }

        public List<T> list() {
            return informers().flatMap(i -> i.getStore().list().stream()).toList();
        }

        /** The objects whose index {@code index} has {@code value}. */
        public List<T> byIndex(String index, String value) {
            return informers().flatMap(i -> i.getIndexer().byIndex(index, value).stream()).toList();
        }

        /** Whether every informer has listed once (before that, the view is incomplete). */
        public boolean synced() {
            return informers().allMatch(SharedIndexInformer::hasSynced);
        }

        public int size() {
            return informers().mapToInt(i -> i.getStore().list().size()).sum();
        }

        private Stream<SharedIndexInformer<T>> informers() {
            return byNamespace.values().stream();
        }
    }

    /** An informer and the subscribers it tells. */
    private static final class Shared<T extends HasMetadata> implements ResourceEventHandler<T> {
        final SharedIndexInformer<T> informer;
        final UnaryOperator<T> trim;
        final List<Events<T>> subscribers = new CopyOnWriteArrayList<>();

        Shared(SharedIndexInformer<T> informer, UnaryOperator<T> trim) {
            this.informer = informer;
            this.trim = trim;
            informer.addEventHandler(this);
        }

        @Override
        public void onAdd(T o) {
            subscribers.forEach(s -> s.changed(o));
        }

        @Override
        public void onUpdate(T before, T after) {
            subscribers.forEach(s -> s.updated(before, after));
        }

        @Override
        public void onDelete(T o, boolean finalStateUnknown) {
            subscribers.forEach(s -> s.removed(o));
        }
    }

    /**
     * An informer's store that keeps what the trim leaves. fabric8 puts each listed or watched object here before it
     * tells the handlers, so they see the trimmed object too, and the indexes are computed from it.
     */
    static final class TrimmedStore<T extends HasMetadata> implements ItemStore<T> {
        private final ConcurrentHashMap<String, T> items = new ConcurrentHashMap<>();
        private final UnaryOperator<T> trim;

        TrimmedStore(UnaryOperator<T> trim) {
            this.trim = trim;
        }

        @Override
        public String getKey(T o) {
            return Cache.metaNamespaceKeyFunc(o);
        }

        @Override
        public T put(String key, T o) {
            return items.put(key, trim.apply(o));
        }

        @Override
        public T remove(String key) {
            return items.remove(key);
        }

        @Override
        public Stream<String> keySet() {
            return items.keySet().stream();
        }

        @Override
        public Stream<T> values() {
            return items.values().stream();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public T get(String key) {
            return items.get(key);
        }
    }

    private final Supplier<KubernetesClient> client;
    private final Map<String, Shared<?>> shared = new LinkedHashMap<>();
    private final Set<SharedIndexInformer<?>> started = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private volatile boolean closed;

    Caches(Supplier<KubernetesClient> client) {
        this.client = client;
    }

    /** Opens (or joins) the informers of {@code spec}; they run from {@link #start()}. */
    public synchronized <T extends HasMetadata> View<T> open(Spec<T> spec, Events<T> events) {
        if (closed) {
            throw new IllegalStateException("these caches are closed");
        }
        boolean namespaced = Namespaced.class.isAssignableFrom(spec.type());
        List<String> namespaces = !namespaced || spec.namespaces() == null ? Collections.singletonList(null) : spec.namespaces();
        Map<String, SharedIndexInformer<T>> informers = new LinkedHashMap<>();
        for (String ns : new LinkedHashSet<>(namespaces)) {
            String id = spec.type().getName() + "|" + (ns == null ? "" : ns) + "|" + spec.labels();
            @SuppressWarnings("unchecked")
            Shared<T> s = (Shared<T>) shared.get(id);
            if (s == null) {
                s = new Shared<>(informer(spec, ns), spec.trim());
                shared.put(id, s);
            } else if (!Objects.equals(s.trim, spec.trim())) {
                throw new IllegalArgumentException("two caches of " + spec.type().getSimpleName() + " with different trims");
            }
            if (!spec.indexers().isEmpty()) {
                Map<String, Function<T, List<String>>> missing = new LinkedHashMap<>(spec.indexers());
                missing.keySet().removeAll(s.informer.getIndexer().getIndexers().keySet());
                if (!missing.isEmpty()) {
                    s.informer.addIndexers(missing);
                }
            }
            if (events != null) {
                s.subscribers.add(events);
            }
            informers.put(ns == null ? "" : ns, s.informer);
        }
        return new View<>(namespaced, informers);
    }

    /** Starts every informer opened and not yet started. */
    public synchronized void start() {
        for (Shared<?> s : shared.values()) {
            if (!closed && started.add(s.informer)) {
                s.informer.start();
            }
        }
    }

    /** Whether every informer has listed once. */
    public boolean synced() {
        return shared.values().stream().allMatch(s -> s.informer.hasSynced());
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Shared<?> s : shared.values()) {
            s.subscribers.clear();
            s.informer.close();
        }
        shared.clear();
        started.clear();
    }

    private <T extends HasMetadata> SharedIndexInformer<T> informer(Spec<T> spec, String ns) {
        var resources = client.get().resources(spec.type());
        var filtered = ns == null
                ? Namespaced.class.isAssignableFrom(spec.type()) ? resources.inAnyNamespace().withLabels(spec.labels())
                        : resources.withLabels(spec.labels())
                : resources.inNamespace(ns).withLabels(spec.labels());
        return filtered.withLimit(PAGE).runnableInformer(0).itemStore(new TrimmedStore<>(spec.trim()));
    }

    /** The uids of an object's owners. */
    public static List<String> ownerUids(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (refs == null || refs.isEmpty()) {
            return List.of();
        }
        List<String> uids = new ArrayList<>(refs.size());
        for (OwnerReference r : refs) {
            if (r.getUid() != null) {
                uids.add(r.getUid());
            }
        }
        return uids;
    }
}
