package io.pxtoken.auth;

import java.time.Instant;
import java.util.List;

import io.pxtoken.kube.KubernetesUser;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling, as the authentication mechanism identified them. Carried by the framework's
 * {@link SecurityIdentity} and handed to each operation as a parameter.
 *
 * @param kind how the caller was identified
 * @param name the identity: a Portworx token's sub, or a Kubernetes username
 * @param roles the Portworx roles of a Portworx token (empty otherwise)
 * @param kubernetesUser what Kubernetes said of the caller, for SubjectAccessReviews (null otherwise)
 * @param expiresAt when the caller's credential expires, when known
 * @param issuer the issuer of a Portworx token (null otherwise)
 */
public record Caller(Kind kind, String name, List<String> roles, KubernetesUser kubernetesUser, Instant expiresAt,
        String issuer) {

    /** The identity attribute that holds the caller. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public enum Kind {
        /** A token signed by this service's issuer and shared secret (only when pxtoken.auth.portworx.enabled). */
        PORTWORX,
        /** A Kubernetes token, checked with a TokenReview. */
        KUBERNETES,
        /** Authentication is turned off (pxtoken.auth.enabled=false). */
        NONE;

        public String label() {
            return name().toLowerCase();
        }
    }

    public static final Caller ANONYMOUS = new Caller(Kind.NONE, "anonymous", List.of(), null, null, null);

    /** The caller of an authenticated request. */
    public static Caller of(SecurityIdentity identity) {
        Caller c = identity == null ? null : identity.getAttribute(ATTRIBUTE);
        if (c == null) {
            throw new IllegalStateException("No caller on an authenticated request");
        }
        return c;
    }

    /**
     * What identifies the caller for its rate limit: the Kubernetes uid (a user keeps it across tokens, and nobody
     * else has it), or for a Portworx token its issuer, sub and roles together.
     */
    public String key() {
        return switch (kind) {
            case KUBERNETES -> "kubernetes:" + (kubernetesUser.uid() == null || kubernetesUser.uid().isEmpty()
                    ? "name:" + kubernetesUser.username() : "uid:" + kubernetesUser.uid());
            case PORTWORX -> "portworx:" + issuer + "|" + name + "|" + String.join(",", roles);
            case NONE -> "none";
        };
    }
}
