package io.pxtoken.declared;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * How a ClusterPxToken's namespaces stand.
 *
 * @param conditions one condition, type {@code Ready}: true when every matching namespace holds a valid token
 * @param observedGeneration the generation of the spec this status describes
 * @param readyNamespaces how many matching namespaces hold a valid token
 * @param failingNamespaces how many do not
 * @param failing the namespaces that do not, and why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterPxTokenStatus(List<Condition> conditions, Long observedGeneration, Integer readyNamespaces,
        Integer failingNamespaces, List<Failing> failing) {

    /** A namespace without a valid token: the reason and message of what its PxToken would say. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failing(String namespace, String reason, String message) {
    }
}
