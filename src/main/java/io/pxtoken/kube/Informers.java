package io.pxtoken.kube;

import jakarta.enterprise.context.ApplicationScoped;

/** Makes the informer caches of one leadership ({@link Caches}). */
@ApplicationScoped
public class Informers {

    private final KubernetesCluster cluster;

    public Informers(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    /** New, empty caches: open what is read, then start them. */
    public Caches caches() {
        return new Caches(() -> cluster.client());
    }
}
