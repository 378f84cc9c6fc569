package io.pxtoken.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.pxtoken.token.Violation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * What Swagger UI offers a person to click: an example for every content type of every request and response, each
 * one working as is against {@code ./mvnw quarkus:dev}.
 * <ul>
 * <li>Every request content type of an operation has examples under the same names, so switching the content type
 * after "Try it out" keeps the chosen example instead of falling back to a sample generated from the schema.</li>
 * <li>The {@code MintRequest} schema carries an example too, so a generated sample has no {@code secret} block (which
 * needs a cluster) and no {@code duration} (which would contradict the query box).</li>
 * <li>Response examples are built from the records the service answers with, so they have the real shape.</li>
 * </ul>
 * Field descriptions of schemas whose records live outside {@code api/} are added here as well, which keeps the
 * domain free of OpenAPI annotations.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD) // static examples: made once in the build, not on every start (1.3 s of a start on Java 17)
public class OpenApiExamples implements OASFilter {

    static final String ADMIN_YAML = """
            name: Storage Administrator
            email: admin@example.com
            sub: admin@example.com
            roles: ["system.admin"]
            groups: ["*"]
            """;
    static final String KUBE_YAML = """
            name: Kubernetes User
            email: kubernetes@example.com
            sub: kubernetes@example.com
            roles: ["system.user"]
            groups: ["kubernetes"]
            """;
    /** The token of Portworx's own docs (issuer my_issuer, expired in 2019). */
    static final String DOCS_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImpzdGV2ZW5zQHBvcnR3b3J4LmNvbSIsImV4cCI6MTU2NzUzMDAyMiwiZ3JvdXBzIjpbIioiXSwiaWF0IjoxNTY3NDQzNjIyLCJpc3MiOiJteV9pc3N1ZXIiLCJuYW1lIjoiSmltIFN0ZXZlbnMiLCJyb2xlcyI6WyJzeXN0ZW0udXNlciJdLCJzdWIiOiJqc3RldmVuc0Bwb3J0d29yeC5jb20vanN0ZXZlbnMifQ.tdhwsn780hpHU73DwGjBNAz6UUCHNboqtAPZFVTb3Cw";
    private static final String TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImFkbWluQGV4YW1wbGUuY29tIiwi...";
    private static final String FINGERPRINT = "3f9a1c0e5b7d2a64";
    private static final Instant ISSUED = Instant.parse("2026-11-29T16:01:09Z");
    private static final Instant EXPIRES = Instant.parse("2027-11-29T16:11:09Z");

    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain";
    private static final String TOKENS = "/v1/tokens";
    private static final String VERIFY = "/v1/tokens/verify";
    private static final String ISSUER = "/v1/issuer";
    private static final String SECRETS = "/v1/secrets";
    private static final String SECRET = "/v1/secrets/{namespace}/{name}";
    private static final String CHECKS = "/v1/checks";

    private final ObjectMapper json = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components != null && components.getSchemas() != null) {
            describeSchemas(components.getSchemas());
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, op) -> {
            if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                op.getRequestBody().getContent().getMediaTypes()
                        .forEach((type, media) -> fill(media, requestExamples(path, type)));
            }
            if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
                op.getResponses().getAPIResponses().forEach((status, response) -> fill(response,
                        type -> responseExamples(path, method, Integer.parseInt(status), type)));
            }
        }));
    }

    private void fill(APIResponse response, java.util.function.Function<String, Map<String, Object>> examples) {
        if (response.getContent() != null && response.getContent().getMediaTypes() != null) {
            response.getContent().getMediaTypes().forEach((type, media) -> fill(media, examples.apply(type)));
        }
    }

    private void fill(MediaType media, Map<String, Object> examples) {
        if (examples.isEmpty() || media.getExamples() != null && !media.getExamples().isEmpty()) {
            return;
        }
        examples.forEach((name, value) -> media.addExample(name, OASFactory.createExample()
                .summary(SUMMARIES.getOrDefault(name, name)).value(value instanceof String s ? s : json.convertValue(value, Object.class))));
    }

    private static final Map<String, String> SUMMARIES = Map.ofEntries(
            Map.entry("admin", "Storage admin (the setup guide's admin.yaml)"),
            Map.entry("kube", "Kubernetes user (the setup guide's kube.yaml, without its secret block)"),
            Map.entry("docs-token", "The token of Portworx's docs: valid: false, my_issuer is not trusted here"),
            Map.entry("valid", "A token Portworx would accept"),
            Map.entry("not-our-issuer", "A token of another issuer"),
            Map.entry("bearer-prefix", "'Bearer ' pasted in front of the token"),
            Map.entry("unknown-role", "A role outside pxtoken.roles.allowed"),
            Map.entry("yaml-as-json", "admin.yaml sent as application/json"),
            Map.entry("groups-scalar", "groups given as a string instead of a list"),
            Map.entry("no-token", "An empty body"),
            Map.entry("bad-name", "A name Kubernetes would not accept"),
            Map.entry("stored", "Minted with a secret block: also stored in the Secret"),
            Map.entry("bad-format", "A format other than json or text"),
            Map.entry("report", "Two StorageClasses and a PV: one token renewed by this service, one expired"));

    private Map<String, Object> requestExamples(String path, String type) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (path.equals(TOKENS)) {
            if (type.equals(JSON)) {
                out.put("admin", person("Storage Administrator", "admin@example.com", "system.admin", "*"));
                out.put("kube", person("Kubernetes User", "kubernetes@example.com", "system.user", "kubernetes"));
            } else {
                out.put("admin", ADMIN_YAML);
                out.put("kube", KUBE_YAML);
            }
        } else if (path.equals(VERIFY)) {
            out.put("docs-token", type.equals(JSON) ? Map.of("token", DOCS_TOKEN) : DOCS_TOKEN);
        }
        return out;
    }

    private static Map<String, Object> person(String name, String email, String role, String group) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("email", email);
        m.put("sub", email);
        m.put("roles", List.of(role));
        m.put("groups", List.of(group));
        return m;
    }

    private Map<String, Object> responseExamples(String path, PathItem.HttpMethod method, int status, String type) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (status < 300) {
            success(path, type, out);
            return out;
        }
        String at = path.equals(SECRET) ? "/v1/secrets/portworx/px-k8s-user" : path;
        switch (status) {
            case 400 -> {
                if (path.equals(VERIFY)) {
                    out.put("no-token", invalid(at, new Violation("token", "is required")));
                } else if (path.equals(CHECKS)) {
                    out.put("bad-format", invalid(at, new Violation("format", "must be json or text")));
                } else if (path.startsWith(SECRETS)) {
                    out.put("bad-name", invalid("/v1/secrets/portworx/PX_User", new Violation("secret.name",
                            "must be a Kubernetes Secret name: at most 253 lowercase letters, digits, '-' and '.', "
                                    + "starting and ending alphanumeric")));
                } else {
                    out.put("unknown-role", invalid(at, new Violation("roles[0]",
                            "unknown role 'system.root'; allowed: system.admin, system.user, system.view")));
                    Violation notJson = new Violation("body", "cannot be parsed (line 1, column 5)");
                    out.put("yaml-as-json", invalid(at, notJson).withHint(Hints.NOT_JSON));
                    out.put("groups-scalar", invalid(at, new Violation("groups", "must be a list of strings, e.g. [\"*\"]")));
                }
            }
            case 401 -> out.put("unauthenticated", problem(401, "unauthenticated", "Not authenticated",
                    "Send Authorization: Bearer <token>: a Kubernetes token (kubectl create token <serviceaccount>)", at));
            case 403 -> {
                if (path.equals(CHECKS)) {
                    Problem p = problem(403, "forbidden", "Not allowed", "system:serviceaccount:apps:viewer may not read the "
                            + "token check; missing: get checks.pxtoken.io (grant them with a Role or ClusterRole; see k8s/)", at);
                    out.put("rbac", new Problem(p.type(), p.title(), p.status(), p.detail(), p.instance(), null,
                            List.of("get checks.pxtoken.io"), null));
                    return out;
                }
                out.put("namespace-not-allowed", problem(403, "secret-refused", "Secret not allowed",
                        "Namespace kube-system is not in pxtoken.secrets.namespaces [portworx]; token Secrets may only "
                                + "be written there", at));
                Problem p = problem(403, "forbidden", "Not allowed", "The caller may not do this; see missing", at);
                out.put("rbac", new Problem(p.type(), p.title(), p.status(), p.detail(), p.instance(), null,
                        List.of(path.equals(TOKENS) ? "mint roles.pxtoken.io/system.admin"
                                : "list secrets -n portworx"), null));
            }
            case 404 -> out.put("not-found", problem(404, "secret-not-found", "No such Secret",
                    "No Secret portworx/px-k8s-user", at));
            case 409 -> out.put("not-managed", problem(409, "secret-not-managed", "Secret not managed by this service",
                    "Secret portworx/px-k8s-user exists and is not managed by px-token-service (no label "
                            + "app.kubernetes.io/managed-by=px-token-service); it was left unchanged. Delete it or choose "
                            + "another name", at));
            case 413 -> out.put("too-large", RequestChecks.tooLarge().at(at));
            case 415 -> out.put("unsupported", problem(415, "unsupported-media-type", "Unsupported Media Type",
                    path.equals(VERIFY) ? "Send the token as text/plain, or as application/json {\"token\": \"...\"}"
                            : "Send the body as application/json, or as YAML (application/yaml, application/x-yaml, text/yaml)",
                    at));
            case 429 -> out.put("rate-limited", problem(429, "rate-limited", "Too many requests",
                    "More than 40 requests from this caller at once, or more than 20.0 per second", at));
            case 502 -> out.put("refused", path.equals(CHECKS)
                    ? problem(502, "kubernetes-forbidden", "Kubernetes refused the service account", "Kubernetes refused to let "
                            + "this service list storageclasses: apply the ClusterRole of k8s/checks-rbac.yaml", at)
                    : problem(502, "kubernetes-forbidden", "Kubernetes refused the service account",
                            "Kubernetes refused to let this service " + verb(path, method)
                                    + " secrets in portworx: give its service account the Role of k8s/ in that namespace"
                                    + (path.equals(TOKENS) ? "; no token was issued" : ""), at));
            case 503 -> {
                if (path.equals(CHECKS)) {
                    out.put("no-cluster", problem(503, "kubernetes-not-configured", "No Kubernetes cluster",
                            "No Kubernetes cluster is configured (not running in a pod, no kubeconfig)", at));
                    return out;
                }
                if (path.equals(TOKENS) || path.equals(VERIFY)) {
                    out.put("no-secret", problem(503, "key-unavailable", "No shared secret",
                            "No usable shared secret: /var/run/secrets/pxkeys/shared-secret does not exist", at));
                }
                if (!path.equals(VERIFY)) {
                    out.put("no-cluster", problem(503, "kubernetes-not-configured", "No Kubernetes cluster",
                            "No Kubernetes cluster is configured (not running in a pod, no kubeconfig), " + (path.equals(TOKENS)
                                    ? "so no token Secret can be written; to get the token alone, mint without 'secret'; no token was issued"
                                    : method == PathItem.HttpMethod.DELETE ? "so there are no token Secrets to delete"
                                            : "so there are no token Secrets to list"),
                            at));
                }
            }
            case 504 -> out.put("timeout", problem(504, "kubernetes-timeout", "Kubernetes API timed out", path.equals(CHECKS)
                    ? "The Kubernetes API did not answer in time (pxtoken.kubernetes.timeout) to list storageclasses"
                    : path.equals(SECRETS)
                    ? "The Kubernetes API did not answer in time (pxtoken.kubernetes.timeout) to list secrets in portworx"
                    : "The Kubernetes API did not answer in time (pxtoken.kubernetes.timeout) to " + verb(path, method)
                            + " portworx/px-k8s-user; the token may have been stored: GET /v1/secrets shows what is there",
                    at));
            default -> {
            }
        }
        return out;
    }

    private static String verb(String path, PathItem.HttpMethod method) {
        return path.equals(TOKENS) ? "create" : method == PathItem.HttpMethod.DELETE ? "delete" : "list";
    }

    private void success(String path, String type, Map<String, Object> out) {
        switch (path) {
            case TOKENS -> {
                if (type.equals(TEXT)) {
                    out.put("token", TOKEN + "\n");
                } else {
                    out.put("admin", minted(null));
                    Map<String, String> params = new LinkedHashMap<>();
                    params.put("openstorage.io/auth-secret-name", "px-k8s-user");
                    params.put("openstorage.io/auth-secret-namespace", "portworx");
                    params.put("csi.storage.k8s.io/provisioner-secret-name", "px-k8s-user");
                    params.put("csi.storage.k8s.io/provisioner-secret-namespace", "portworx");
                    out.put("stored", minted(new MintResponse.SecretResponse("portworx", "px-k8s-user", "auth-token",
                            "created", "48213", params)));
                }
            }
            case VERIFY -> {
                out.put("valid", new VerifyResponse(true, null, claims("portworx.com", "admin@example.com",
                        "Storage Administrator", "system.admin", ISSUED, EXPIRES), EXPIRES, null));
                out.put("not-our-issuer", new VerifyResponse(false, "my_issuer is not a trusted issuer",
                        claims("my_issuer", "jstevens@portworx.com", "Jim Stevens", "system.user",
                                Instant.ofEpochSecond(1567443622), Instant.ofEpochSecond(1567530022)),
                        Instant.ofEpochSecond(1567530022), null));
                out.put("bearer-prefix", new VerifyResponse(false, "tokenstring should not contain 'bearer '", null, null,
                        Hints.BEARER_PREFIX));
            }
            case ISSUER -> out.put("issuer", new IssuerResponse("portworx.com", "HS256", FINGERPRINT, ISSUED, null, "1d", "1y",
                    List.of("system.admin", "system.user", "system.view")));
            case SECRETS -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("namespace", "portworx");
                s.put("name", "px-k8s-user");
                s.put("key", "auth-token");
                s.put("subject", "kubernetes@example.com");
                s.put("roles", List.of("system.user"));
                s.put("groups", List.of("kubernetes"));
                s.put("issuer", "portworx.com");
                s.put("issuedAt", ISSUED.toString());
                s.put("expiresAt", EXPIRES.toString());
                s.put("jti", "8c1d0a4e-6f0b-4a53-9d55-2f1c7b9e3a10");
                s.put("keyFingerprint", FINGERPRINT);
                s.put("currentKey", true);
                s.put("renewalTime", Instant.parse("2027-07-31T08:40:21Z").toString());
                s.put("ready", true);
                out.put("one", List.of(s));
            }
            case CHECKS -> {
                ChecksResponse report = checkReport();
                out.put("report", type.equals(TEXT) ? ChecksTable.render(report) : report);
            }
            default -> {
            }
        }
    }

    static ChecksResponse checkReport() {
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (io.pxtoken.checks.Verdict v : io.pxtoken.checks.Verdict.values()) {
            summary.put(v.label(), v == io.pxtoken.checks.Verdict.OK || v == io.pxtoken.checks.Verdict.EXPIRED ? 1 : 0);
        }
        Instant checked = Instant.parse("2027-08-02T09:15:00Z");
        return new ChecksResponse(checked, summary, List.of(
                new ChecksResponse.Item("portworx", "px-k8s-user", "auth-token", "ok", null, EXPIRES, true, true, true, true,
                        Instant.parse("2027-07-31T08:40:21Z"), List.of(
                                new ChecksResponse.Ref("storageclass/px-storage", "openstorage.io/auth-secret-name"),
                                new ChecksResponse.Ref("persistentvolume/pvc-5f1c2a9e-7d4b-4c1e-9a8f-3b2d1e0c9f7a",
                                        "volume.kubernetes.io/provisioner-deletion-secret-name"))),
                new ChecksResponse.Item("portworx", "px-legacy", "auth-token", "expired", "Token is expired",
                        Instant.parse("2027-06-30T12:00:00Z"), true, false, false, false, null, List.of(
                                new ChecksResponse.Ref("storageclass/px-csi", "csi.storage.k8s.io/provisioner-secret-name"),
                                new ChecksResponse.Ref("storageclass/px-csi", "csi.storage.k8s.io/node-publish-secret-name")))));
    }

    private static MintResponse minted(MintResponse.SecretResponse secret) {
        return secret == null
                ? new MintResponse(TOKEN, "portworx.com", "admin@example.com", List.of("system.admin"), List.of("*"),
                        ISSUED, EXPIRES, "0b6c3a52-1f7e-4c2d-8e4b-5a9d7c1e2f30", FINGERPRINT, null)
                : new MintResponse(TOKEN, "portworx.com", "kubernetes@example.com", List.of("system.user"),
                        List.of("kubernetes"), ISSUED, EXPIRES, "8c1d0a4e-6f0b-4a53-9d55-2f1c7b9e3a10", FINGERPRINT, secret);
    }

    private static Map<String, Object> claims(String iss, String email, String name, String role, Instant iat, Instant exp) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("email", email);
        c.put("exp", exp.getEpochSecond());
        c.put("groups", List.of("*"));
        c.put("iat", iat.getEpochSecond());
        c.put("iss", iss);
        c.put("name", name);
        c.put("roles", List.of(role));
        c.put("sub", email);
        return c;
    }

    private static Problem invalid(String path, Violation v) {
        return new Problem(Problem.TYPE_PREFIX + "invalid-request", "Invalid request", 400, v.toString(), path,
                List.of(v), null, null);
    }

    private static Problem problem(int status, String code, String title, String detail, String path) {
        return ProblemMapper.problem(status, code, title, detail, path);
    }

    /** Descriptions of fields whose records are not annotated (domain types, or records shared with other work). */
    private static void describeSchemas(Map<String, Schema> schemas) {
        describe(schemas.get("Violation"), Map.of(
                "field", "The field as the request wrote it, e.g. roles[0], secret.name, duration, body",
                "reason", "Why it was refused"));
        describe(schemas.get("ManagedSecret"), Map.ofEntries(
                Map.entry("namespace", "Namespace of the Secret"),
                Map.entry("name", "Name of the Secret"),
                Map.entry("key", "Data key holding the token (auth-token for Portworx)"),
                Map.entry("subject", "The token's sub claim"),
                Map.entry("roles", "The token's roles claim"),
                Map.entry("groups", "The token's groups claim; absent when it has none"),
                Map.entry("issuer", "The token's iss claim"),
                Map.entry("issuedAt", "The token's iat claim, RFC 3339"),
                Map.entry("expiresAt", "The token's exp claim, RFC 3339"),
                Map.entry("jti", "The token's id"),
                Map.entry("keyFingerprint", "Fingerprint of the shared secret that signed the token")));
        Schema mint = schemas.get("MintRequest");
        if (mint != null && mint.getExample() == null) {
            mint.setExample(person("Storage Administrator", "admin@example.com", "system.admin", "*"));
        }
    }

    private static void describe(Schema schema, Map<String, String> descriptions) {
        if (schema == null || schema.getProperties() == null) {
            return;
        }
        schema.getProperties().forEach((name, property) -> {
            if (property.getDescription() == null && descriptions.containsKey(name)) {
                property.setDescription(descriptions.get(name));
            }
        });
    }
}
