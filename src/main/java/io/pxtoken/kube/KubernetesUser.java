package io.pxtoken.kube;

import java.util.List;
import java.util.Map;

/**
 * Who Kubernetes says a token belongs to (TokenReview {@code status.user}).
 *
 * @param username e.g. {@code system:serviceaccount:ns:name}
 * @param uid the user's uid
 * @param groups e.g. {@code system:serviceaccounts}
 * @param extra extra attributes, passed back in SubjectAccessReviews
 */
public record KubernetesUser(String username, String uid, List<String> groups, Map<String, List<String>> extra) {
}
