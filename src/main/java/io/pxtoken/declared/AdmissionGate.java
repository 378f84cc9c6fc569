package io.pxtoken.declared;

import java.util.List;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;

/**
 * Whether the admission policy that declared tokens rely on stands as shipped ({@code k8s/components/admission-policy}): the
 * policy with {@code failurePolicy: Fail} over creates and updates of both kinds, and its binding, unnarrowed, with
 * {@code validationActions: [Deny]}. Without it, anyone allowed to create a PxToken would mint whatever it asks, so
 * the controller writes nothing. Pure: no I/O.
 */
final class AdmissionGate {

    /** The Ready reason while the gate is missing. */
    static final String MISSING = "AdmissionPolicyMissing";

    private AdmissionGate() {
    }

    /** Why the gate is not as shipped, or null when it is. */
    static String missing(String name, ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicyBinding binding) {
        String fix = ": enable k8s/components/admission-policy as shipped (Kubernetes 1.30+); until then no declared token is written";
        if (policy == null || policy.getSpec() == null) {
            return "the ValidatingAdmissionPolicy " + name + " does not exist" + fix;
        }
        var spec = policy.getSpec();
        if (spec.getFailurePolicy() != null && !"Fail".equals(spec.getFailurePolicy())) {
            return "the ValidatingAdmissionPolicy " + name + " has failurePolicy " + spec.getFailurePolicy() + ", not Fail" + fix;
        }
        if (spec.getValidations() == null || spec.getValidations().isEmpty()) {
            return "the ValidatingAdmissionPolicy " + name + " has no validations" + fix;
        }
        List<NamedRuleWithOperations> rules = spec.getMatchConstraints() == null ? null : spec.getMatchConstraints().getResourceRules();
        for (String resource : List.of("pxtokens", "clusterpxtokens")) {
            for (String operation : List.of("CREATE", "UPDATE")) {
                if (rules == null || rules.stream().noneMatch(r -> covers(r, resource, operation))) {
                    return "the ValidatingAdmissionPolicy " + name + " does not match " + operation + " of " + resource + fix;
                }
            }
        }
        if (binding == null || binding.getSpec() == null) {
            return "the ValidatingAdmissionPolicyBinding " + name + " does not exist" + fix;
        }
        var b = binding.getSpec();
        if (!name.equals(b.getPolicyName())) {
            return "the ValidatingAdmissionPolicyBinding " + name + " binds " + b.getPolicyName() + ", not " + name + fix;
        }
        if (b.getValidationActions() == null || !b.getValidationActions().contains("Deny")) {
            return "the ValidatingAdmissionPolicyBinding " + name + " does not Deny (validationActions "
                    + b.getValidationActions() + ")" + fix;
        }
        if (b.getMatchResources() != null) {
            return "the ValidatingAdmissionPolicyBinding " + name + " narrows matchResources, so some requests go unchecked" + fix;
        }
        return null;
    }

    private static boolean covers(NamedRuleWithOperations r, String resource, String operation) {
        return anyOf(r.getApiGroups(), "pxtoken.io") && anyOf(r.getResources(), resource) && anyOf(r.getOperations(), operation)
                && (r.getResourceNames() == null || r.getResourceNames().isEmpty());
    }

    private static boolean anyOf(List<String> values, String wanted) {
        return values != null && (values.contains(wanted) || values.contains("*"));
    }
}
