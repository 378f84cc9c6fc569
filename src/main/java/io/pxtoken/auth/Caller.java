package io.pxtoken.auth;

import java.time.Instant;
import java.util.List;

import io.pxtoken.kube.KubernetesUser;

/**
 * Who is calling.
 *
 * @param kind how the caller was identified
 * @param name the identity: a Portworx token's sub, or a Kubernetes username
 * @param roles the Portworx roles of a Portworx token (empty otherwise)
 * @param kubernetesUser what Kubernetes said of the caller, for SubjectAccessReviews (null otherwise)
 * @param expiresAt when the caller's credential expires, when known
 */
public record Caller(Kind kind, String name, List<String> roles, KubernetesUser kubernetesUser, Instant expiresAt) {

    public enum Kind {
        /** A token signed by this service's issuer and shared secret. */
        PORTWORX,
        /** A Kubernetes token, checked with a TokenReview. */
        KUBERNETES,
        /** Authentication is turned off (pxtoken.auth.enabled=false). */
        NONE;

        public String label() {
            return name().toLowerCase();
        }
    }

    public static final Caller ANONYMOUS = new Caller(Kind.NONE, "anonymous", List.of(), null, null);

    /** The key callers are rate-limited and audited by. */
    public String id() {
        return kind.label() + ":" + name;
    }
}
