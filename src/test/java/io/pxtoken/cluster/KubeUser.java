package io.pxtoken.cluster;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A user as the API server's authenticator hands it to the authorizer: a name and its groups. */
public record KubeUser(String name, Set<String> groups) {

    public static KubeUser serviceAccount(String namespace, String name) {
        return new KubeUser("system:serviceaccount:" + namespace + ":" + name,
                Set.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"));
    }

    /** A user of the cluster's identity provider: its groups plus {@code system:authenticated}, as Kubernetes adds it. */
    public static KubeUser user(String name, String... groups) {
        Set<String> all = new LinkedHashSet<>(List.of(groups));
        all.add("system:authenticated");
        return new KubeUser(name, Set.copyOf(all));
    }

    /** {@code system:serviceaccount:ns:name} as a user with the groups Kubernetes gives service accounts. */
    public static KubeUser named(String user) {
        String[] p = user.split(":");
        return p.length == 4 && user.startsWith("system:serviceaccount:") ? serviceAccount(p[2], p[3]) : user(user);
    }
}
