package io.pxtoken.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelEvaluationException;

/**
 * A ValidatingAdmissionPolicy of k8s/ run as the API server runs it (admission/plugin/policy/validating): applies only
 * with a ValidatingAdmissionPolicyBinding whose validationActions hold Deny; matchConstraints.resourceRules select the
 * request (group, operation, resource, {@code *}); every matchCondition must be true or the request is not checked;
 * variables are evaluated in order and visible as {@code variables.<name>}; each validation must be true, and a false one
 * denies with its messageExpression (or message); an evaluation error applies the failurePolicy. Expressions are
 * compiled once, in {@link KubernetesCel}.
 */
public final class AdmissionPolicy {

    /** The API server's answer: allowed, or denied with the message the user sees. */
    public record Verdict(boolean allowed, String message) {
        @Override
        public String toString() {
            return allowed ? "allowed" : "denied: " + message;
        }
    }

    /** One expression of the policy, compiled. */
    public record Compiled(String where, String source, CelAbstractSyntaxTree ast) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode policy;
    private final boolean bound;
    private final List<Compiled> matchConditions = new ArrayList<>();
    private final List<Map.Entry<String, Compiled>> variables = new ArrayList<>();
    private final List<JsonNode> validations = new ArrayList<>();
    private final List<Compiled> validationAsts = new ArrayList<>();
    private final List<Compiled> messageAsts = new ArrayList<>();
    private final List<Compiled> all = new ArrayList<>();

    public AdmissionPolicy(List<JsonNode> docs, String name) {
        this.policy = docs.stream().filter(d -> d.path("kind").asText().equals("ValidatingAdmissionPolicy")
                && d.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no ValidatingAdmissionPolicy " + name));
        this.bound = docs.stream().anyMatch(d -> d.path("kind").asText().equals("ValidatingAdmissionPolicyBinding")
                && d.path("spec").path("policyName").asText().equals(name)
                && d.path("spec").path("validationActions").toString().contains("\"Deny\""));
        JsonNode spec = policy.path("spec");
        for (JsonNode m : spec.path("matchConditions")) {
            matchConditions.add(compile("matchConditions[" + m.path("name").asText() + "]", m.path("expression").asText()));
        }
        for (JsonNode v : spec.path("variables")) {
            variables.add(Map.entry(v.path("name").asText(), compile("variables." + v.path("name").asText(), v.path("expression").asText())));
        }
        int i = 0;
        for (JsonNode v : spec.path("validations")) {
            validations.add(v);
            validationAsts.add(compile("validations[" + i + "].expression", v.path("expression").asText()));
            messageAsts.add(v.has("messageExpression") ? compile("validations[" + i + "].messageExpression", v.path("messageExpression").asText()) : null);
            i++;
        }
    }

    private Compiled compile(String where, String source) {
        try {
            Compiled c = new Compiled(where, source, KubernetesCel.compile(source));
            all.add(c);
            return c;
        } catch (CelValidationException e) {
            throw new AssertionError(policy.path("metadata").path("name").asText() + " " + where + " does not compile: "
                    + e.getMessage() + "\n" + source, e);
        }
    }

    /** Every expression, compiled. */
    public List<Compiled> expressions() {
        return List.copyOf(all);
    }

    /**
     * Admits one request. {@code object} and {@code oldObject} as the API server sees them (null where Kubernetes
     * passes null: oldObject on CREATE).
     */
    public Verdict admit(String operation, String group, String version, String resource, Object object, Object oldObject,
            KubeUser user, RbacAuthorizer rbac) {
        if (!bound || !matches(operation, group, resource)) {
            return new Verdict(true, null);
        }
        Map<String, Object> objectMap = toMap(object);
        Map<String, Object> oldMap = toMap(oldObject);
        Map<String, Object> meta = objectMap == null ? Map.of() : asMap(objectMap.get("metadata"));
        String namespace = meta.get("namespace") == null ? "" : (String) meta.get("namespace");
        String name = meta.get("name") == null ? "" : (String) meta.get("name");
        Map<String, Object> request = Map.of("operation", operation,
                "resource", Map.of("group", group, "version", version, "resource", resource),
                "namespace", namespace, "name", name,
                "userInfo", Map.of("username", user.name(), "groups", List.copyOf(user.groups())));
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("object", objectMap);
        vars.put("oldObject", oldMap);
        vars.put("request", request);
        vars.put("params", null);
        vars.put("authorizer", new KubernetesCel.Authz(rbac, user,
                RequestAttributes.resource(operation.toLowerCase(), group, resource, "", namespace, name)));
        Map<String, Object> variableValues = new LinkedHashMap<>();
        vars.put("variables", variableValues);
        boolean failClosed = !"Ignore".equals(policy.path("spec").path("failurePolicy").asText("Fail"));
        try {
            for (Compiled m : matchConditions) {
                if (!Boolean.TRUE.equals(KubernetesCel.eval(m.ast(), vars))) {
                    return new Verdict(true, null);
                }
            }
            for (Map.Entry<String, Compiled> v : variables) {
                variableValues.put(v.getKey(), KubernetesCel.eval(v.getValue().ast(), vars));
            }
        } catch (CelEvaluationException e) {
            return failClosed ? new Verdict(false, "policy evaluation error: " + e.getMessage()) : new Verdict(true, null);
        }
        for (int i = 0; i < validations.size(); i++) {
            JsonNode v = validations.get(i);
            Object result;
            try {
                result = KubernetesCel.eval(validationAsts.get(i).ast(), vars);
            } catch (CelEvaluationException e) {
                if (failClosed) {
                    return new Verdict(false, "expression '" + v.path("expression").asText() + "' resulted in error: " + e.getMessage());
                }
                continue;
            }
            if (!Boolean.TRUE.equals(result)) {
                String message = v.path("message").asText("failed expression: " + v.path("expression").asText());
                if (messageAsts.get(i) != null) {
                    try {
                        message = String.valueOf(KubernetesCel.eval(messageAsts.get(i).ast(), vars));
                    } catch (CelEvaluationException e) {
                        // the API server falls back to message, and says so in a warning
                    }
                }
                return new Verdict(false, message);
            }
        }
        return new Verdict(true, null);
    }

    private boolean matches(String operation, String group, String resource) {
        for (JsonNode r : policy.path("spec").path("matchConstraints").path("resourceRules")) {
            if (has(r.path("apiGroups"), group) && has(r.path("operations"), operation) && has(r.path("resources"), resource)) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(JsonNode list, String value) {
        for (JsonNode v : list) {
            if (v.asText().equals("*") || v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(Object o) {
        return o == null ? null : o instanceof Map<?, ?> m ? (Map<String, Object>) m : JSON.convertValue(o, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
