package io.pxtoken.checks;

import java.util.Comparator;

/**
 * A Secret key Portworx reads a token from.
 *
 * @param namespace the Secret's namespace
 * @param name the Secret's name
 * @param key the data key: {@code auth-token}, the only one Portworx reads
 */
public record SecretRef(String namespace, String name, String key) implements Comparable<SecretRef> {

    /** The key Portworx reads the token from. */
    public static final String AUTH_TOKEN = "auth-token";

    private static final Comparator<SecretRef> ORDER = Comparator.comparing(SecretRef::namespace)
            .thenComparing(SecretRef::name).thenComparing(SecretRef::key);

    public static SecretRef of(String namespace, String name) {
        return new SecretRef(namespace, name, AUTH_TOKEN);
    }

    @Override
    public int compareTo(SecretRef other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return namespace + "/" + name + ":" + key;
    }
}
