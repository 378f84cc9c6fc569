package io.pxtoken.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * k8s/monitoring: the PrometheusRule's alerts (each names what to look at and links to its README section), their
 * expressions evaluated by promtool against series that fire and series that do not, the Grafana dashboard, and the
 * component as kustomize renders it. That every metric and label they use is exposed: {@link MonitoringMetricsTest}.
 */
class MonitoringTest {

    static final Path DIR = Path.of("k8s", "monitoring");
    static final Path RULES = DIR.resolve("prometheusrule.yaml");
    static final Path DASHBOARD = DIR.resolve("dashboard.json");
    static final Path RULE_TESTS = Path.of("src", "test", "resources", "monitoring", "rules-test.yaml");
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> alerts() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        YAML.readTree(RULES.toFile()).path("spec").path("groups").forEach(g -> g.path("rules").forEach(out::add));
        return out;
    }

    /** Every PromQL expression of the rules and the dashboard. */
    static List<String> expressions() throws IOException {
        List<String> out = new ArrayList<>();
        alerts().forEach(a -> out.add(a.path("expr").asText()));
        JSON.readTree(DASHBOARD.toFile()).path("panels").forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
        return out;
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    @Test
    void everyAlertSaysWhatToLookAtAndWhereItIsExplained() throws IOException {
        Set<String> anchors = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("#")) {
                anchors.add(anchor(line.replaceFirst("^#+", "")));
            }
        }
        List<JsonNode> alerts = alerts();
        assertEquals(7, alerts.size(), "the seven alerts of the issue");
        Set<String> names = new HashSet<>();
        for (JsonNode a : alerts) {
            String name = a.path("alert").asText();
            assertTrue(names.add(name), "one alert per name: " + name);
            String expr = a.path("expr").asText();
            JsonNode ann = a.path("annotations");
            assertFalse(ann.path("summary").asText().isBlank(), name + " has a summary");
            String description = ann.path("description").asText();
            assertFalse(description.isBlank(), name + " has a description");
            assertTrue(Set.of("warning", "critical").contains(a.path("labels").path("severity").asText()), name + " severity");
            if (expr.contains("by (namespace, name")) {
                assertTrue(description.contains("Secret {{ $labels.namespace }}/{{ $labels.name }}"),
                        name + " names the Secret: " + description);
            } else if (expr.contains("by (pod)")) {
                assertTrue(description.contains("{{ $labels.pod }}"), name + " names the replica");
            }
            String runbook = ann.path("runbook_url").asText();
            assertTrue(runbook.contains("README.md#"), name + " links to the README: " + runbook);
            String section = runbook.substring(runbook.indexOf('#') + 1);
            assertEquals(name.toLowerCase(Locale.ROOT), section, "each alert has a section named after it");
            assertTrue(anchors.contains(section), "README has no section #" + section + " for " + name);
        }
    }

    /** promtool: the full rules pass its checks (templates included); the expressions pass the unit tests. */
    @Test
    void promtoolEvaluatesEveryAlertAgainstSeriesThatFireAndSeriesThatDoNot() throws Exception {
        if (!onPath("promtool")) {
            if (System.getenv("CI") != null) {
                fail("promtool is missing: .ci/run installs Debian's prometheus package, which provides it");
            }
            Assumptions.abort("promtool is not installed here (apt-get install prometheus); CI runs this");
        }
        Path work = Files.createDirectories(Path.of("target", "monitoring"));
        ObjectNode full = YAML.createObjectNode();
        full.set("groups", YAML.readTree(RULES.toFile()).path("spec").path("groups").deepCopy());
        YAML.writeValue(work.resolve("full.yaml").toFile(), full);
        ObjectNode bare = full.deepCopy();
        bare.path("groups").forEach(g -> g.path("rules").forEach(r -> ((ObjectNode) r).remove("annotations")));
        YAML.writeValue(work.resolve("rules.yaml").toFile(), bare);
        Files.copy(RULE_TESTS, work.resolve("rules-test.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        run(work, "promtool", "check", "rules", "full.yaml");
        String out = run(work, "promtool", "test", "rules", "rules-test.yaml");
        assertTrue(out.contains("SUCCESS"), out);
        // every alert is exercised by at least one test
        String tests = Files.readString(RULE_TESTS);
        for (JsonNode a : alerts()) {
            assertTrue(tests.contains("alertname: " + a.path("alert").asText()), "no promtool test of " + a.path("alert").asText());
        }
    }

    @Test
    void theDashboardParsesAndEveryPanelQueriesTheChosenPrometheus() throws IOException {
        JsonNode d = JSON.readTree(DASHBOARD.toFile());
        assertEquals("px-token-service", d.path("uid").asText());
        assertEquals("datasource", d.path("templating").path("list").path(0).path("type").asText());
        Set<Integer> ids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            assertTrue(ids.add(p.path("id").asInt()), "panel ids are unique");
            titles.add(p.path("title").asText());
            assertFalse(p.path("description").asText().isBlank(), p.path("title") + " says what it shows");
            assertTrue(p.path("targets").size() > 0, p.path("title") + " has queries");
            for (JsonNode t : p.path("targets")) {
                assertEquals("${datasource}", t.path("datasource").path("uid").asText());
                assertFalse(t.path("expr").asText().isBlank());
            }
        }
        assertTrue(titles.containsAll(Set.of("Tokens by time to expiry", "Renewals and failures",
                "Storage-check verdicts by StorageClass", "Mint rate", "Mint latency", "Signing latency", "Leader",
                "Signing key")), "the panels of the issue: " + titles);
        // latencies come from histograms: percentiles, not averages
        assertTrue(expressions().stream().anyMatch(e -> e.contains("histogram_quantile") && e.contains("http_server_requests_seconds_bucket")));
        assertTrue(expressions().stream().anyMatch(e -> e.contains("histogram_quantile") && e.contains("pxtoken_signing_seconds_bucket")));
    }

    /** As an admin enables it: the dashboard ConfigMap for the Grafana sidecar, the runbook base as one setting. */
    @Test
    void theComponentRendersWithTheDashboardAndOneRunbookSetting() throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed here (.ci/run renders k8s/ where it is)");
        Path copy = io.pxtoken.TempDirs.create("k8s-monitoring");
        try (Stream<Path> files = Files.walk(Path.of("k8s"))) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(Path.of("k8s").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Path kustomization = copy.resolve("kustomization.yaml");
        // as the kustomization's comments say: uncomment the lines, TLS and monitoring together in the one list
        String enabled = Files.readString(kustomization).replace("  # - monitoring\n", "  - monitoring\n")
                .replace("  # - components/tls\n", "  - components/tls\n");
        assertTrue(enabled.contains("\n  - monitoring\n") && enabled.contains("\n  - components/tls\n"), "k8s/kustomization.yaml lists both, commented");
        Files.writeString(kustomization, enabled);
        // the release label for a kube-prometheus-stack Prometheus, as its comment says: uncomment the patches
        Path component = copy.resolve("monitoring").resolve("kustomization.yaml");
        Files.writeString(component, Files.readString(component).replace("# patches:", "patches:")
                .replace("#   - target", "  - target").replace("#     patch:", "    patch:"));
        Path runbook = copy.resolve("monitoring").resolve("runbook.yaml");
        Files.writeString(runbook, Files.readString(runbook).replaceAll("runbookBase: .*", "runbookBase: https://wiki.example.org/px"));

        String rendered = run(copy, "kubectl", "kustomize", ".");
        List<JsonNode> docs = new ArrayList<>();
        YAML.readerFor(JsonNode.class).<JsonNode>readValues(rendered).forEachRemaining(docs::add);
        JsonNode cm = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")
                && d.path("metadata").path("name").asText().equals("px-token-service-dashboard")).findFirst().orElse(null);
        assertNotNull(cm, "the dashboard ConfigMap is rendered");
        assertEquals("1", cm.path("metadata").path("labels").path("grafana_dashboard").asText());
        assertEquals(JSON.readTree(DASHBOARD.toFile()), JSON.readTree(cm.path("data").path("dashboard.json").asText()));
        assertTrue(docs.stream().noneMatch(d -> d.path("metadata").path("name").asText().equals("px-token-service-monitoring")),
                "the setting itself is not applied");
        assertTrue(docs.stream().anyMatch(d -> d.path("kind").asText().equals("ServiceMonitor")));
        assertTrue(docs.stream().anyMatch(d -> d.path("kind").asText().equals("Certificate")), "TLS stays on with monitoring");
        for (JsonNode d : docs) {
            boolean selected = Set.of("ServiceMonitor", "PrometheusRule").contains(d.path("kind").asText());
            assertEquals(selected ? "kube-prometheus-stack" : "", d.path("metadata").path("labels").path("release").asText(),
                    d.path("kind").asText() + " " + d.path("metadata").path("name").asText());
        }
        assertTrue(docs.stream().anyMatch(d -> d.path("kind").asText().equals("ValidatingAdmissionPolicy")), "and so does the policy");
        JsonNode rule = docs.stream().filter(d -> d.path("kind").asText().equals("PrometheusRule")).findFirst().orElseThrow();
        rule.path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> {
            String url = r.path("annotations").path("runbook_url").asText();
            assertEquals("https://wiki.example.org/px#" + r.path("alert").asText().toLowerCase(Locale.ROOT), url);
        }));
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + text);
        return text;
    }

    /** Metric names in a PromQL expression (ours and the HTTP server's). */
    static Set<String> metricNames(String expr) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile("\\b(pxtoken_[a-z_]+|http_server_requests_seconds_[a-z]+)\\b").matcher(expr);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
