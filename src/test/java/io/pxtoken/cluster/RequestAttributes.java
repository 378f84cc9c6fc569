package io.pxtoken.cluster;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the API server's RBAC authorizer is asked about one HTTP request: a port of the kube-apiserver's
 * {@code RequestInfoFactory.NewRequestInfo} (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go). Resource
 * requests are {@code /api/v1/...} (core group) and {@code /apis/<group>/<version>/...}; everything else is a
 * non-resource URL whose verb is the lower-cased HTTP method. A GET without a name is a {@code list}, or a
 * {@code watch} with {@code ?watch=true}; a DELETE without a name is a {@code deletecollection}; a list or watch
 * with {@code fieldSelector=metadata.name=x} is about the name x. A PATCH is {@code patch} whatever its content
 * type (JSON, merge, strategic merge or apply patch).
 */
public record RequestAttributes(boolean resourceRequest, String verb, String group, String version, String resource,
        String subresource, String namespace, String name, String path) {

    private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** A resource request, as a SubjectAccessReview's resourceAttributes names it. */
    public static RequestAttributes resource(String verb, String group, String resource, String subresource,
            String namespace, String name) {
        return new RequestAttributes(true, verb, group, "", resource, subresource == null ? "" : subresource,
                namespace == null ? "" : namespace, name == null ? "" : name, "");
    }

    public static RequestAttributes of(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        Map<String, String> query = query(q < 0 ? "" : pathAndQuery.substring(q + 1));
        String verb = switch (method.toUpperCase()) {
            case "POST" -> "create";
            case "GET", "HEAD" -> "get";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "";
        };
        List<String> parts = Arrays.stream(path.replaceAll("^/+|/+$", "").split("/")).filter(s -> !s.isEmpty()).toList();
        String group;
        String version;
        int at;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            at = 2;
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            at = 3;
        } else {
            return new RequestAttributes(false, method.toLowerCase(), "", "", "", "", "", "", path);
        }
        List<String> current = parts.subList(at, parts.size());
        if (current.isEmpty()) {
            // /api/v1 or /apis/g/v: discovery of a group version, a non-resource request to the authorizer
            return new RequestAttributes(false, method.toLowerCase(), "", "", "", "", "", "", path);
        }
        if (SPECIAL_VERBS.contains(current.get(0))) {
            if (current.size() < 2) {
                return new RequestAttributes(false, method.toLowerCase(), "", "", "", "", "", "", path);
            }
            verb = current.get(0);
            current = current.subList(1, current.size());
        }
        String namespace = "";
        if (current.get(0).equals("namespaces")) {
            if (current.size() > 1) {
                namespace = current.get(1);
                if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
                    current = current.subList(2, current.size());
                }
            }
        }
        String resource = "";
        String name = "";
        String subresource = "";
        if (current.size() >= 3 && !verb.equals("proxy")) {
            subresource = current.get(2);
        }
        if (current.size() >= 2) {
            name = current.get(1);
        }
        resource = current.get(0);
        if (name.isEmpty() && verb.equals("get")) {
            verb = isTrue(query.get("watch")) ? "watch" : "list";
            String selector = query.getOrDefault("fieldSelector", "");
            for (String term : selector.split(",")) {
                String t = term.strip();
                if (t.startsWith("metadata.name==")) {
                    name = t.substring("metadata.name==".length());
                } else if (t.startsWith("metadata.name=") && !t.startsWith("metadata.name!=")) {
                    name = t.substring("metadata.name=".length());
                }
            }
            if (name.contains("/") || name.equals(".") || name.equals("..") || name.contains("%")) {
                name = "";
            }
        }
        if (name.isEmpty() && verb.equals("delete")) {
            verb = "deletecollection";
        }
        return new RequestAttributes(true, verb, group, version, resource, subresource, namespace, name, path);
    }

    private static boolean isTrue(String v) {
        return v != null && Set.of("1", "t", "T", "TRUE", "true", "True").contains(v);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** The resource as RBAC rules name it: {@code leases}, {@code pxtokens/status}. */
    public String combinedResource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    /** In {@code kubectl auth can-i} terms: {@code patch leases.coordination.k8s.io/px-token-service -n test}, {@code update
     * pxtokens.pxtoken.io/a --subresource=status -n test}. */
    @Override
    public String toString() {
        if (!resourceRequest) {
            return verb + " " + path + " (non-resource URL)";
        }
        return verb + " " + resource + (group.isEmpty() ? "" : "." + group) + (name.isEmpty() ? "" : "/" + name)
                + (subresource.isEmpty() ? "" : " --subresource=" + subresource)
                + (namespace.isEmpty() ? " (cluster-wide)" : " -n " + namespace);
    }
}
