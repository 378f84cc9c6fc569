package io.pxtoken.kube;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Asks Kubernetes who a token belongs to (TokenReview) and what that user may do (SubjectAccessReview), so admins
 * grant minting with ordinary RBAC. Needs the {@code system:auth-delegator} ClusterRole. Never fails open.
 */
@ApplicationScoped
public class AccessReviews {

    private final KubernetesCluster cluster;

    public AccessReviews(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    public boolean clusterConfigured() {
        return cluster.configured();
    }

    /**
     * @return the user, or empty when Kubernetes does not accept the token
     * @throws KubernetesUnavailableException when the review cannot be made
     */
    public Optional<KubernetesUser> review(String token, List<String> audiences) {
        TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token)
                .withAudiences(audiences.isEmpty() ? null : audiences).endSpec().build();
        TokenReviewStatus status;
        try {
            status = cluster.client().authentication().v1().tokenReviews().create(review).getStatus();
        } catch (KubernetesClientException e) {
            throw unavailable(e, "TokenReviews");
        }
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            return Optional.empty();
        }
        var u = status.getUser();
        return Optional.of(new KubernetesUser(u.getUsername(), u.getUid(),
                u.getGroups() == null ? List.of() : List.copyOf(u.getGroups()),
                u.getExtra() == null ? java.util.Map.of() : java.util.Map.copyOf(u.getExtra())));
    }

    /**
     * @return whether Kubernetes RBAC allows {@code user} to do {@code check}
     * @throws KubernetesUnavailableException when the review cannot be made
     */
    public boolean allowed(KubernetesUser user, AccessCheck check) {
        SubjectAccessReview sar = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(user.username()).withUid(user.uid()).withGroups(user.groups())
                .withExtra(user.extra().isEmpty() ? null : user.extra())
                .withNewResourceAttributes()
                .withVerb(check.verb()).withGroup(check.group()).withResource(check.resource())
                .withName(check.name()).withNamespace(check.namespace())
                .endResourceAttributes().endSpec().build();
        try {
            var status = cluster.client().authorization().v1().subjectAccessReview().create(sar).getStatus();
            return status != null && Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied());
        } catch (KubernetesClientException e) {
            throw unavailable(e, "SubjectAccessReviews");
        }
    }

    /** An access decision that cannot be made is a 503, whatever the API said: never allow on failure. */
    private static KubernetesUnavailableException unavailable(KubernetesClientException e, String kind) {
        if (e.getCode() == 403) {
            return new KubernetesUnavailableException(503, "auth-unavailable", "The service account may not create " + kind
                    + ": bind it to the ClusterRole system:auth-delegator (k8s/auth-delegator.yaml); access is refused until then");
        }
        RuntimeException translated = TokenSecrets.translate(e, "create", kind, false);
        int status = translated instanceof KubernetesUnavailableException k && k.status() == 504 ? 504 : 503;
        return new KubernetesUnavailableException(status, "auth-unavailable",
                "Kubernetes could not review the caller (" + kind + " failed); access is refused until it can");
    }
}
