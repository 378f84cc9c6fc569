package io.pxtoken.kube;

/**
 * One permission, as a SubjectAccessReview asks it and as {@code kubectl auth can-i} spells it.
 *
 * @param verb e.g. {@code mint}, {@code create}
 * @param group API group, {@code ""} for the core group
 * @param resource e.g. {@code roles}, {@code secrets}
 * @param name resource name, or null for any
 * @param namespace namespace, or null for cluster-wide
 */
public record AccessCheck(String verb, String group, String resource, String name, String namespace) {

    public static final String GROUP = "pxtoken.io";

    /** {@code mint} on {@code roles|groups|subjects.pxtoken.io/<name>}: what minting a token needs. */
    public static AccessCheck mint(String resource, String name) {
        return new AccessCheck("mint", GROUP, resource, name, null);
    }

    /** {@code get checks.pxtoken.io}: what reading the token check needs. */
    public static AccessCheck checks() {
        return checks(null);
    }

    /** {@code get checks.pxtoken.io} in one namespace (null: cluster-wide): what reading its rows of the check needs. */
    public static AccessCheck checks(String namespace) {
        return new AccessCheck("get", GROUP, "checks", null, namespace);
    }

    /** A verb on core {@code secrets} in a namespace. */
    public static AccessCheck secrets(String verb, String namespace, String name) {
        return new AccessCheck(verb, "", "secrets", name, namespace);
    }

    /** The {@code kubectl auth can-i} arguments, e.g. {@code mint roles.pxtoken.io/system.admin}. */
    public String canI() {
        StringBuilder sb = new StringBuilder(verb).append(' ').append(resource);
        if (!group.isEmpty()) {
            sb.append('.').append(group);
        }
        if (name != null) {
            sb.append('/').append(name);
        }
        if (namespace != null) {
            sb.append(" -n ").append(namespace);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return canI();
    }
}
