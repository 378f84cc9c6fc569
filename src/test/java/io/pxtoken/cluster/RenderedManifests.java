package io.pxtoken.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * {@code kubectl kustomize k8s/} for what the tests read from it, in plain Java (kubectl is not on every machine):
 * {@code resources} (files and directories), {@code components} (their resources; their patches change the Deployment,
 * Service and NetworkPolicy only, never RBAC, and are left out), the {@code NamespaceTransformer} (with
 * {@code unsetOnly}) and the {@code ReplacementTransformer} of subjects.yaml. Anything else in a kustomization fails
 * loudly, so a new construct is noticed here instead of silently missing. {@code RenderedManifestsTest} compares the
 * result with {@code kubectl kustomize} where kubectl is installed.
 */
public final class RenderedManifests {

    public static final Path K8S = Path.of("k8s");

    /** Kinds kustomize knows to be cluster-scoped (it stamps a namespace on every kind it does not know). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "StorageClass", "PersistentVolume", "PriorityClass", "APIService",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");
    private static final Set<String> KNOWN_FIELDS = Set.of("apiVersion", "kind", "resources", "components", "transformers",
            "labels", "images", "patches", "configMapGenerator", "replacements");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private RenderedManifests() {
    }

    /** The base as {@code kubectl apply -k k8s/} applies it, with the components its kustomization lists. */
    public static List<JsonNode> render() {
        return render(K8S, List.of(), null);
    }

    /**
     * @param extraComponents components to enable beyond those the kustomization lists (e.g. "components/tenants")
     * @param namespace the service's namespace as an admin would set it in namespace.yaml; null keeps the file's
     */
    public static List<JsonNode> render(Path dir, List<String> extraComponents, String namespace) {
        JsonNode k = readOne(dir.resolve("kustomization.yaml"));
        k.fieldNames().forEachRemaining(f -> {
            if (!KNOWN_FIELDS.contains(f)) {
                throw new IllegalStateException(dir + "/kustomization.yaml: '" + f + "' is not rendered by " + RenderedManifests.class.getSimpleName());
            }
        });
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText());
            docs.addAll(Files.isDirectory(p) ? render(p, List.of(), namespace) : readAll(p));
        }
        List<String> components = new ArrayList<>();
        k.path("components").forEach(c -> components.add(c.asText()));
        components.addAll(extraComponents.stream().filter(c -> !components.contains(c)).toList());
        for (String c : components) {
            Path cdir = dir.resolve(c);
            for (JsonNode r : readOne(cdir.resolve("kustomization.yaml")).path("resources")) {
                docs.addAll(readAll(cdir.resolve(r.asText())));
            }
        }
        for (JsonNode t : k.path("transformers")) {
            JsonNode transformer = readOne(dir.resolve(t.asText()));
            switch (transformer.path("kind").asText()) {
                case "NamespaceTransformer" -> {
                    String ns = namespace != null ? namespace : transformer.path("metadata").path("namespace").asText();
                    boolean unsetOnly = transformer.path("unsetOnly").asBoolean(false);
                    for (JsonNode d : docs) {
                        ObjectNode meta = (ObjectNode) d.path("metadata");
                        if (!CLUSTER_SCOPED.contains(d.path("kind").asText())
                                && (!unsetOnly || meta.path("namespace").asText("").isEmpty())) {
                            meta.put("namespace", ns);
                        }
                    }
                }
                case "ReplacementTransformer" -> replace(transformer, docs);
                default -> throw new IllegalStateException(t.asText() + ": transformer kind not rendered here");
            }
        }
        return docs;
    }

    /** The form subjects.yaml uses: a metadata.namespace copied into {@code subjects.[name=X].namespace}. */
    private static void replace(JsonNode transformer, List<JsonNode> docs) {
        for (JsonNode r : transformer.path("replacements")) {
            JsonNode source = r.path("source");
            if (!source.path("fieldPath").asText().equals("metadata.namespace")) {
                throw new IllegalStateException("replacement source " + source + " not rendered here");
            }
            String value = docs.stream().filter(d -> d.path("kind").asText().equals(source.path("kind").asText())
                    && d.path("metadata").path("name").asText().equals(source.path("name").asText()))
                    .map(d -> d.path("metadata").path("namespace").asText()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("replacement source not found: " + source));
            for (JsonNode target : r.path("targets")) {
                String kind = target.path("select").path("kind").asText();
                for (JsonNode fp : target.path("fieldPaths")) {
                    var m = java.util.regex.Pattern.compile("subjects\\.\\[name=([^\\]]+)\\]\\.namespace").matcher(fp.asText());
                    if (!m.matches()) {
                        throw new IllegalStateException("replacement target " + fp + " not rendered here");
                    }
                    for (JsonNode d : docs) {
                        if (d.path("kind").asText().equals(kind)) {
                            for (JsonNode s : d.path("subjects")) {
                                if (s.path("name").asText().equals(m.group(1))) {
                                    ((ObjectNode) s).put("namespace", value);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The documents as the Kubernetes client's typed model (RBAC kinds as rbac/v1 objects). */
    public static List<HasMetadata> typed(List<JsonNode> docs) {
        List<HasMetadata> out = new ArrayList<>();
        for (JsonNode d : docs) {
            try {
                Object o = SERIALIZATION.unmarshal(YAML.writeValueAsString(d));
                if (o instanceof HasMetadata h) {
                    out.add(h);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    public static List<JsonNode> readAll(Path file) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    docs.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
        return docs;
    }

    private static JsonNode readOne(Path file) {
        List<JsonNode> docs = readAll(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + ": expected one document, found " + docs.size());
        }
        return docs.get(0);
    }

    /** Copies of {@code doc} (a Role or RoleBinding) in each namespace, as secrets-rbac.yaml tells an admin to. */
    public static List<JsonNode> copiedInto(JsonNode doc, List<String> namespaces) {
        List<JsonNode> out = new ArrayList<>();
        for (String ns : namespaces) {
            ObjectNode copy = doc.deepCopy();
            ((ObjectNode) copy.path("metadata")).put("namespace", ns);
            out.add(copy);
        }
        return out;
    }
}
