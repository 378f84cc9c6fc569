package io.pxtoken.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Every document under {@code k8s/}, read into the Kubernetes client's typed model. */
final class Manifests {

    static final Path ROOT = Path.of("k8s");
    /** Kustomize's own files: checked by rendering them, not by the Kubernetes model. */
    static final Set<String> KUSTOMIZE_KINDS = Set.of("Kustomization", "Component", "NamespaceTransformer", "ReplacementTransformer");

    record Doc(Path file, JsonNode node, KubernetesResource resource) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @SuppressWarnings("unchecked")
        <T> T as(Class<T> type) {
            return (T) resource;
        }
    }

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Doc> all() {
        List<Doc> docs = new ArrayList<>();
        for (Path file : files()) {
            docs.addAll(read(file));
        }
        return docs;
    }

    static List<Doc> read(Path file) {
        List<Doc> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node == null || node.isNull() || node.isEmpty()) {
                    continue;
                }
                KubernetesResource resource = KUSTOMIZE_KINDS.contains(node.path("kind").asText()) ? null
                        : SERIALIZATION.unmarshal(YAML.writeValueAsString(node));
                docs.add(new Doc(file, node, resource));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
        return docs;
    }

    static List<Doc> ofKind(List<Doc> docs, String kind) {
        return docs.stream().filter(d -> d.kind().equals(kind)).toList();
    }

    static Doc one(List<Doc> docs, Path file, String kind) {
        return docs.stream().filter(d -> d.file().equals(file) && d.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + file));
    }

    /**
     * Fields the typed model did not know: they land in additionalProperties, which a typo does. Patches' "$patch"
     * directives and non-core kinds (GenericKubernetesResource) are left out.
     */
    static List<String> unknownFields(Object o, String path) {
        List<String> found = new ArrayList<>();
        walk(o, path, found);
        return found;
    }

    private static void walk(Object o, String path, List<String> found) {
        if (o == null || o instanceof GenericKubernetesResource) {
            return;
        }
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", found);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra) {
                    extra.keySet().stream().filter(k -> !"$patch".equals(k))
                            .forEach(k -> found.add(path + "." + k));
                }
            } else {
                walk(value, path + "." + Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4), found);
            }
        }
    }
}
