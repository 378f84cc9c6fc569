package io.pxtoken.deploy;

import static io.pxtoken.Eventually.within;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.pxtoken.LeaderProfile;
import io.pxtoken.QuietLogs;
import io.pxtoken.TestClock;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Every metric and label that k8s/monitoring's alerts and dashboard use is one a running instance exposes: the
 * service mints into a Secret, fails a renewal once, checks a StorageClass's token, and its /q/metrics is read at
 * each step. A renamed metric or tag breaks this test before it silently breaks an alert.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(MonitoringMetricsTest.Profile.class)
class MonitoringMetricsTest {

    @RegisterExtension
    static final QuietLogs QUIET = new QuietLogs("io.pxtoken.renewal.RenewalController", "io.pxtoken.kube.TokenSecrets");

    /** Labels Prometheus adds to every scraped series (the ServiceMonitor's target labels). */
    static final Set<String> TARGET_LABELS = Set.of("pod", "instance", "job", "service", "endpoint");
    static final Pattern SELECTOR = Pattern.compile("\\b([a-z_]+)\\{([^}]*)}");
    static final Pattern MATCHER = Pattern.compile("([a-z_]+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    static final Pattern BY = Pattern.compile("\\b(?:by|on)\\s*\\(([^)]*)\\)");
    static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? ", Pattern.MULTILINE);
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return LeaderProfile.sharedSecret("m".repeat(64)).namespaces("test").tick("50ms")
                    .with("pxtoken.checks.continuous", "true")
                    .with("pxtoken.checks.interval", "1h").build();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    @Inject
    TestClock clock;

    @AfterEach
    void release() {
        clock.release();
    }

    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Series of a scrape: metric name to the label sets seen on it. */
    static void collect(String scrape, Map<String, List<Map<String, String>>> into) {
        Matcher m = SERIES.matcher(scrape);
        while (m.find()) {
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            into.computeIfAbsent(m.group(1), k -> new java.util.ArrayList<>()).add(labels);
        }
    }

    @Test
    void everyMetricAndLabelOfTheAlertsAndTheDashboardIsExposed() throws Exception {
        Map<String, List<Map<String, String>>> seen = new HashMap<>();
        within(Duration.ofSeconds(30), () -> scrape().contains("pxtoken_leader 1.0"), "this replica leads");

        // mint into a Secret a StorageClass names, and make its first renewal fail
        clock.pin(Instant.now());
        given().contentType("application/json").body(("{\"name\":\"Monitored\",\"email\":\"m@example.com\",\"roles\":[\"system.user\"],"
                + "\"duration\":\"30s\",\"secret\":{\"namespace\":\"test\",\"name\":\"monitored\"}}").getBytes())
                .post("/v1/tokens").then().statusCode(200);
        server.getClient().storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata()
                .withName("px-monitored").endMetadata().withProvisioner("pxd.portworx.com")
                .addToParameters("openstorage.io/auth-secret-name", "monitored")
                .addToParameters("openstorage.io/auth-secret-namespace", "test").build()).create();
        var secret = server.getClient().secrets().inNamespace("test").withName("monitored").get();
        Instant renewal = Instant.parse(secret.getMetadata().getAnnotations().get(ManagedSecrets.RENEWAL_TIME));
        server.expect().put().withPath("/api/v1/namespaces/test/secrets/monitored")
                .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd is down").build()).once();
        clock.pin(renewal.plusMillis(1));
        within(Duration.ofSeconds(20), () -> scrape().contains("pxtoken_secret_renewal_failures{"), "a failed renewal");
        collect(scrape(), seen);

        clock.pin(renewal.plusSeconds(11));
        within(Duration.ofSeconds(20), () -> scrape().contains("pxtoken_renewals_total{result=\"renewed\"} 1.0"), "renewed on retry");
        within(Duration.ofSeconds(20), () -> scrape().contains("pxtoken_check_secret_verdict{"), "the storage check ran");
        collect(scrape(), seen);

        List<String> missing = new java.util.ArrayList<>();
        for (String expr : MonitoringTest.expressions()) {
            Set<String> names = MonitoringTest.metricNames(expr);
            for (String name : names) {
                if (!seen.containsKey(name)) {
                    missing.add("metric " + name + " (in " + expr.strip() + ")");
                }
            }
            Matcher s = SELECTOR.matcher(expr);
            while (s.find()) {
                List<Map<String, String>> series = seen.getOrDefault(s.group(1), List.of());
                Matcher l = MATCHER.matcher(s.group(2));
                while (l.find()) {
                    String label = l.group(1);
                    if (TARGET_LABELS.contains(label)) {
                        continue;
                    }
                    boolean exact = l.group(2).equals("=");
                    if (series.stream().noneMatch(x -> x.containsKey(label) && (!exact || x.get(label).equals(l.group(3))))) {
                        missing.add("label " + label + (exact ? "=\"" + l.group(3) + "\"" : "") + " on " + s.group(1));
                    }
                }
            }
            Matcher by = BY.matcher(expr);
            while (by.find()) {
                for (String label : by.group(1).split(",")) {
                    String l = label.strip();
                    if (l.isEmpty() || TARGET_LABELS.contains(l)) {
                        continue;
                    }
                    boolean somewhere = names.stream().anyMatch(n -> seen.getOrDefault(n, List.of()).stream().anyMatch(x -> x.containsKey(l)));
                    if (!somewhere) {
                        missing.add("label " + l + " on any of " + names + " (in " + expr.strip() + ")");
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "used by k8s/monitoring but not exposed: " + new TreeSet<>(missing)
                + "\nexposed: " + new TreeSet<>(seen.keySet()));
        // the histograms behind the latency panels have buckets
        assertTrue(seen.getOrDefault("http_server_requests_seconds_bucket", List.of()).stream()
                .anyMatch(x -> "/v1/tokens".equals(x.get("uri")) && x.containsKey("le")));
        assertTrue(seen.containsKey("pxtoken_signing_seconds_bucket"));
        Set<String> checked = new HashSet<>(MonitoringTest.expressions().stream().flatMap(e -> MonitoringTest.metricNames(e).stream()).toList());
        assertTrue(checked.size() >= 15, "the rules and panels use the service's metrics: " + checked);
    }
}
