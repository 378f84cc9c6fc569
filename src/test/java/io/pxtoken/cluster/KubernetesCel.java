package io.pxtoken.cluster;

import java.util.List;
import java.util.Map;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;

/**
 * The CEL environment Kubernetes gives admission policies and CRD validation rules, as far as k8s/ uses it, on
 * CEL-Java. Declared here by hand (none of it comes from Kubernetes' own code):
 * <ul>
 * <li>the variables {@code object}, {@code oldObject}, {@code request}, {@code params}, {@code namespaceObject},
 * {@code variables} (admission) and {@code self}, {@code oldSelf} (CRD rules), all as {@code dyn}. Kubernetes types
 * them from the schema, so a misspelt field is a compile error there and only a runtime "no such key" here (the
 * tests evaluate every expression, which shows it as an evaluation error);</li>
 * <li>the authorizer library (k8s.io/apiserver/pkg/cel/library/authz.go): {@code authorizer} of type
 * {@code kubernetes.authorization.Authorizer} with {@code path}, {@code group}, {@code serviceAccount},
 * {@code requestResource}; {@code GroupCheck.resource}; {@code ResourceCheck.subresource/namespace/name/check};
 * {@code PathCheck.check}; {@code Decision.allowed/reason/errored/error}, answered by {@link RbacAuthorizer} for the
 * requesting user. A function Kubernetes has and this list lacks fails to compile here: add it;</li>
 * <li>CEL's strings extension ({@code join}, {@code split}, {@code lowerAscii}, ...), which Kubernetes also enables;
 * Kubernetes' own list, regex, URL, quantity, IP and CIDR libraries are not declared (k8s/ does not use them).</li>
 * </ul>
 */
public final class KubernetesCel {

    static final CelType AUTHORIZER = OpaqueType.create("kubernetes.authorization.Authorizer");
    static final CelType PATH_CHECK = OpaqueType.create("kubernetes.authorization.PathCheck");
    static final CelType GROUP_CHECK = OpaqueType.create("kubernetes.authorization.GroupCheck");
    static final CelType RESOURCE_CHECK = OpaqueType.create("kubernetes.authorization.ResourceCheck");
    static final CelType DECISION = OpaqueType.create("kubernetes.authorization.Decision");

    /** The requesting user's view of RBAC, as {@code authorizer} holds it. */
    public record Authz(RbacAuthorizer rbac, KubeUser user, RequestAttributes requestResource) {
    }

    record PathCheck(Authz authz, String path) {
    }

    record GroupCheck(Authz authz, String group) {
    }

    record ResourceCheck(Authz authz, String group, String resource, String subresource, String namespace, String name) {
        ResourceCheck with(String field, String value) {
            return switch (field) {
                case "subresource" -> new ResourceCheck(authz, group, resource, value, namespace, name);
                case "namespace" -> new ResourceCheck(authz, group, resource, subresource, value, name);
                case "name" -> new ResourceCheck(authz, group, resource, subresource, namespace, value);
                default -> throw new IllegalArgumentException(field);
            };
        }
    }

    record Decision(boolean allowed, String reason) {
    }

    private static final Cel CEL = build();

    private KubernetesCel() {
    }

    private static Cel build() {
        return CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current().enableTimestampEpoch(true).build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings())
                .addVar("object", SimpleType.DYN).addVar("oldObject", SimpleType.DYN).addVar("request", SimpleType.DYN)
                .addVar("params", SimpleType.DYN).addVar("namespaceObject", SimpleType.DYN).addVar("variables", SimpleType.DYN)
                .addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN)
                .addVar("authorizer", AUTHORIZER)
                .addFunctionDeclarations(
                        member("path", "authorizer_path", PATH_CHECK, AUTHORIZER, SimpleType.STRING),
                        member("group", "authorizer_group", GROUP_CHECK, AUTHORIZER, SimpleType.STRING),
                        member("serviceAccount", "authorizer_serviceaccount", AUTHORIZER, AUTHORIZER, SimpleType.STRING, SimpleType.STRING),
                        member("resource", "groupcheck_resource", RESOURCE_CHECK, GROUP_CHECK, SimpleType.STRING),
                        member("subresource", "resourcecheck_subresource", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                        member("namespace", "resourcecheck_namespace", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                        member("name", "resourcecheck_name", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                        CelFunctionDecl.newFunctionDeclaration("check",
                                CelOverloadDecl.newMemberOverload("resourcecheck_check", DECISION, RESOURCE_CHECK, SimpleType.STRING),
                                CelOverloadDecl.newMemberOverload("pathcheck_check", DECISION, PATH_CHECK, SimpleType.STRING)),
                        member("allowed", "decision_allowed", SimpleType.BOOL, DECISION),
                        member("reason", "decision_reason", SimpleType.STRING, DECISION),
                        member("errored", "decision_errored", SimpleType.BOOL, DECISION),
                        member("error", "decision_error", SimpleType.STRING, DECISION),
                        CelFunctionDecl.newFunctionDeclaration("requestResource",
                                CelOverloadDecl.newMemberOverload("authorizer_requestresource", RESOURCE_CHECK, AUTHORIZER)))
                .addFunctionBindings(
                        CelFunctionBinding.from("authorizer_path", Authz.class, String.class, PathCheck::new),
                        CelFunctionBinding.from("authorizer_group", Authz.class, String.class, GroupCheck::new),
                        CelFunctionBinding.from("authorizer_serviceaccount", List.of(Authz.class, String.class, String.class),
                                args -> new Authz(((Authz) args[0]).rbac(), KubeUser.serviceAccount((String) args[1], (String) args[2]), null)),
                        CelFunctionBinding.from("groupcheck_resource", GroupCheck.class, String.class,
                                (g, r) -> new ResourceCheck(g.authz(), g.group(), r, "", "", "")),
                        CelFunctionBinding.from("resourcecheck_subresource", ResourceCheck.class, String.class, (c, v) -> c.with("subresource", v)),
                        CelFunctionBinding.from("resourcecheck_namespace", ResourceCheck.class, String.class, (c, v) -> c.with("namespace", v)),
                        CelFunctionBinding.from("resourcecheck_name", ResourceCheck.class, String.class, (c, v) -> c.with("name", v)),
                        CelFunctionBinding.from("resourcecheck_check", ResourceCheck.class, String.class, KubernetesCel::check),
                        CelFunctionBinding.from("pathcheck_check", PathCheck.class, String.class, (p, verb) -> decide(p.authz(),
                                new RequestAttributes(false, verb.toLowerCase(), "", "", "", "", "", "", p.path()))),
                        CelFunctionBinding.from("decision_allowed", Decision.class, Decision::allowed),
                        CelFunctionBinding.from("decision_reason", Decision.class, Decision::reason),
                        CelFunctionBinding.from("decision_errored", Decision.class, d -> false),
                        CelFunctionBinding.from("decision_error", Decision.class, d -> ""),
                        CelFunctionBinding.from("authorizer_requestresource", Authz.class, a -> {
                            RequestAttributes r = a.requestResource();
                            return new ResourceCheck(a, r.group(), r.resource(), r.subresource(), r.namespace(), r.name());
                        }))
                .build();
    }

    private static CelFunctionDecl member(String function, String overload, CelType result, CelType receiver, CelType... args) {
        CelType[] all = new CelType[args.length + 1];
        all[0] = receiver;
        System.arraycopy(args, 0, all, 1, args.length);
        return CelFunctionDecl.newFunctionDeclaration(function, CelOverloadDecl.newMemberOverload(overload, result, all));
    }

    private static Decision check(ResourceCheck c, String verb) {
        return decide(c.authz(), RequestAttributes.resource(verb, c.group(), c.resource(), c.subresource(), c.namespace(), c.name()));
    }

    private static Decision decide(Authz authz, RequestAttributes a) {
        RbacAuthorizer.Grant g = authz.rbac().grant(authz.user(), a);
        return g == null ? new Decision(false, "")
                : new Decision(true, "RBAC: allowed by " + g.binding() + " of " + g.role() + " to " + authz.user().name());
    }

    /** Parses and type-checks; a syntax error or an unknown function or overload is a CelValidationException. */
    public static CelAbstractSyntaxTree compile(String expression) throws CelValidationException {
        return CEL.compile(expression).getAst();
    }

    public static Object eval(CelAbstractSyntaxTree ast, Map<String, ?> vars) throws CelEvaluationException {
        return CEL.createProgram(ast).eval(vars);
    }
}
