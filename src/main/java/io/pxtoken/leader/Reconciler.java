package io.pxtoken.leader;

import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pxtoken.kube.Caches;

/**
 * One controller on the runtime ({@link Controllers}): it says which caches it reads and which keys their events
 * make, and reconciles one key at a time. The runtime gives it the queue, the workers (never two on one key), the
 * backoff of a key that throws, and the pacing of API writes ({@link WritePacing}); the reconciler reads the cluster
 * only from the caches it opened.
 */
public interface Reconciler {

    /** Why this reconciler does not run on this replica, or {@code null} when it does. Asked once, at start-up. */
    String off();

    /** The kinds of {@link Key} it reconciles; each kind belongs to one reconciler. */
    Set<String> kinds();

    /**
     * This replica leads: open the caches read ({@link Setup#cache}), subscribe to their events, queue the first
     * keys. Must return quickly; the caches start, and list, after every reconciler has opened its own.
     */
    void open(Setup setup);

    /**
     * Makes the cluster match what {@code key} declares, from the caches.
     *
     * @throws Exception anything: the key is retried after its backoff, the other keys proceed
     */
    Result reconcile(Key key) throws Exception;

    /** Leadership ended: forget what was kept in memory (metrics, timers). The caches are closed already. */
    default void closed() {
    }

    /** What a reconciler is given when this replica starts to lead. */
    interface Setup {
        /**
         * Opens (or joins) an informer cache of this leadership: started by the runtime once every reconciler has
         * opened its own, closed when leadership ends. The reconciler's keys are worked once its caches have listed.
         *
         * @param events told of each object the cache lists or sees change (what the trim left of it); null for none
         */
        <T extends HasMetadata> Caches.View<T> cache(Caches.Spec<T> spec, Caches.Events<T> events);

        /** The queue of every reconciler: put keys of this one's kinds in it. */
        WorkQueue queue();

        /** Something to close when leadership ends (a watch the caches do not hold). */
        void onClose(AutoCloseable c);
    }
}
