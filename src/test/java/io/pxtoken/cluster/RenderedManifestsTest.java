package io.pxtoken.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The plain-Java rendering of k8s/ agrees with {@code kubectl kustomize} on every RBAC object (where kubectl is installed). */
class RenderedManifestsTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper SORTED = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final Set<String> RBAC_KINDS = Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");

    @ParameterizedTest
    @ValueSource(strings = {"", "components/tenants"})
    void rbacAsKubectlRendersIt(String component) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed here");
        Path dir = io.pxtoken.TempDirs.create("k8s-render");
        copy(RenderedManifests.K8S, dir);
        if (!component.isEmpty()) {
            Path k = dir.resolve("kustomization.yaml");
            Files.writeString(k, Files.readString(k).replace("  # - " + component + "\n", "  - " + component + "\n"));
        }
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        List<JsonNode> kubectl = new ArrayList<>();
        new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(out).forEachRemaining(kubectl::add);
        List<JsonNode> ours = RenderedManifests.render(RenderedManifests.K8S, component.isEmpty() ? List.of() : List.of(component), null);
        Set<String> expected = rbac(kubectl);
        Set<String> actual = rbac(ours);
        assertTrue(expected.size() >= 10, "RBAC objects: " + expected.size());
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        assertEquals("", (missing.isEmpty() ? "" : "kubectl renders, RenderedManifests does not: " + missing)
                + (extra.isEmpty() ? "" : "\nRenderedManifests renders, kubectl does not: " + extra));
    }

    private static Set<String> rbac(List<JsonNode> docs) {
        Set<String> out = new TreeSet<>();
        for (JsonNode d : docs) {
            if (RBAC_KINDS.contains(d.path("kind").asText())) {
                ObjectNode copy = d.deepCopy();
                ((ObjectNode) copy.path("metadata")).remove("labels"); // kustomize's labels: transformer; RBAC ignores them
                try {
                    out.add(SORTED.writeValueAsString(SORTED.convertValue(copy, Object.class)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
