package io.pxtoken.declared;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * What a ClusterPxToken declares: the namespaces, and for each of them the claims of {@link PxTokenSpec} in which
 * {@value #NAMESPACE} stands for the namespace's name.
 *
 * @param namespaceSelector the namespaces that get a token Secret; an empty selector is refused
 * @param secretName the Secret in each namespace; null: the resource's name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterPxTokenSpec(LabelSelector namespaceSelector, String name, String email, String sub,
        List<String> roles, List<String> groups, String duration, String renewBefore, String secretName,
        String secretKey) {

    /** The placeholder replaced by each namespace's name. */
    public static final String NAMESPACE = "${namespace}";

    /** The declaration for one namespace: every {@value #NAMESPACE} replaced by its name. */
    public PxTokenSpec forNamespace(String namespace, String defaultSecretName) {
        return new PxTokenSpec(fill(name, namespace), fill(email, namespace), fill(sub, namespace), fill(roles, namespace),
                fill(groups, namespace), duration, renewBefore, secretName == null ? defaultSecretName : secretName, secretKey);
    }

    private static String fill(String value, String namespace) {
        return value == null ? null : value.replace(NAMESPACE, namespace);
    }

    private static List<String> fill(List<String> values, String namespace) {
        return values == null ? null : values.stream().map(v -> fill(v, namespace)).toList();
    }
}
