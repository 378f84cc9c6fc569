package io.pxtoken.leader;

/**
 * What a reconciler is asked to look at: a kind and an object's namespace and name. The queue serves keys of one kind
 * and namespace (a lane) in turn with those of every other lane, so that thousands of one never starve the rest.
 *
 * @param kind which reconciler serves it, e.g. {@code PxToken}
 * @param namespace the object's namespace; empty for cluster-scoped objects
 * @param name the object's name
 */
public record Key(String kind, String namespace, String name) {

    public Key {
        if (kind == null || kind.isEmpty() || name == null) {
            throw new IllegalArgumentException("a key needs a kind and a name");
        }
        namespace = namespace == null ? "" : namespace;
    }

    /** A key of a cluster-scoped object (or of work that concerns the whole cluster). */
    public static Key cluster(String kind, String name) {
        return new Key(kind, "", name);
    }

    /** The sub-queue this key waits in: its kind and namespace. */
    public String lane() {
        return kind + "/" + namespace;
    }

    @Override
    public String toString() {
        return namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
    }
}
