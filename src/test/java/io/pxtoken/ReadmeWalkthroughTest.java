package io.pxtoken;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pxtoken.auth.FakeKubernetesAuth;
import io.pxtoken.cluster.EnforcedRbac;
import io.pxtoken.cluster.RbacDenials;
import io.pxtoken.cluster.ReadmeWalkthrough;
import io.pxtoken.cluster.ReadmeWalkthrough.Command;
import io.pxtoken.cluster.RenderedManifests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The README's cluster walkthrough replayed in order, as the personas it names, against the service (authentication
 * on) and a mock API server whose RBAC is the manifests' own: the service's requests checked against its service
 * account's RBAC in k8s/ ({@link EnforcedRbac}), the callers' SubjectAccessReviews answered from the RBAC the
 * walkthrough applies and binds ({@link FakeKubernetesAuth}). Every curl must answer 2xx. Commands that act on
 * Portworx, pods or the network (not on the service or its RBAC) are listed in {@link #NOT_REPLAYED} with the
 * reason; any other command the replay does not know fails the test, so a new step is replayed or consciously left out.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = EnforcedRbac.class)
@TestProfile(ReadmeWalkthroughTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadmeWalkthroughTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // as k8s/deployment.yaml runs it: authentication on, token Secrets in portworx
            return Map.of("pxtoken.kubernetes.enabled", "true", "pxtoken.auth.enabled", "true",
                    "pxtoken.secrets.namespaces", "portworx", "pxtoken.rate-limit.per-address.burst", "1000");
        }
    }

    /** Commands the replay leaves out, each with why (a pattern matched against the whole command). */
    static final Map<Pattern, String> NOT_REPLAYED = new LinkedHashMap<>();

    static {
        not("PORTWORX_AUTH_\\w+=\\$\\(cat /dev/urandom.*", "the keys are Portworx's; the test's service generates its own");
        not("kubectl -n kube-system create secret generic pxkeys .*", "the pxkeys Secret is mounted as a file (pxtoken.keys.dir in tests)");
        not("kubectl create namespace portworx .*", "the mock API server has every namespace");
        not("kubectl -n kube-system rollout status .*", "the service runs in the test");
        not("kubectl -n kube-system port-forward .*", "the test talks to the service directly");
        not("PX_POD=\\$\\(kubectl .* get pods .*", "Portworx's pods");
        not("kubectl -n kube-system exec .*pxctl.*", "pxctl runs in Portworx's pod");
        not("kubectl create secret generic mysql-root .*", "MySQL's own Secret");
        not("kubectl get pvc .*", "Portworx provisions the volume");
        not("NEW=\\$\\(cat /dev/urandom.*", "rotation: the key file is KeyRotationTest's");
        not("kubectl -n kube-system get secret pxkeys -o json .*", "rotation: the key file is KeyRotationTest's");
        not("kubectl -n kube-system rollout restart daemonset/portworx.*", "restarts Portworx");
        not("echo .*", "prints a variable");
        not("kubectl describe .*", "Events of Portworx's provisioner and of the continuous check (ChecksTest)");
    }

    private static void not(String pattern, String why) {
        NOT_REPLAYED.put(Pattern.compile(pattern), why);
    }

    @KubernetesTestServer
    KubernetesServer server;

    /** Every request the service makes must be allowed by its RBAC in k8s/. */
    @RegisterExtension
    static final RbacDenials RBAC = new RbacDenials();

    private static final FakeKubernetesAuth KUBE = new FakeKubernetesAuth();
    private static boolean installed;

    private void install() {
        if (!installed) {
            KUBE.install(server);
            installed = true;
        }
    }

    /** What the replay did: each step's outcome, the first failure. */
    record Outcome(List<String> done, String failure) {
    }

    /** Replays the walkthrough; {@code edit} may change each command (null drops it). */
    private Outcome replay(java.util.function.UnaryOperator<String> edit) {
        install();
        Map<String, String> env = new HashMap<>();
        Map<String, String> files = new HashMap<>(ReadmeWalkthrough.filesSavedBefore());
        Set<String> serviceAccounts = new HashSet<>();
        List<String> done = new ArrayList<>();
        for (Command original : ReadmeWalkthrough.commands()) {
            String line = edit.apply(original.line());
            if (line == null) {
                continue;
            }
            Command c = new Command(original.step(), line, original.heredoc());
            String why = NOT_REPLAYED.entrySet().stream().filter(e -> e.getKey().matcher(line).matches()).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
            if (why != null) {
                continue;
            }
            Matcher m;
            Matcher inline = Pattern.compile("\\$\\(kubectl -n (\\S+) create token (\\S+)[^)]*\\)").matcher(line);
            StringBuilder withTokens = new StringBuilder();
            while (inline.find()) {
                String sa = inline.group(1) + ":" + inline.group(2);
                if (!serviceAccounts.contains(sa)) {
                    return new Outcome(done, c + ": a token for service account " + sa + ", which the README never created");
                }
                inline.appendReplacement(withTokens, Matcher.quoteReplacement(token(sa)));
            }
            inline.appendTail(withTokens);
            String expanded = withTokens.toString();
            if (line.equals("kubectl apply -k k8s/")) {
                KUBE.apply(RenderedManifests.typed(RenderedManifests.render()));
            } else if (line.startsWith("kubectl apply -f ")) {
                for (var f : ReadmeWalkthrough.appliedFiles(line)) {
                    var objects = RenderedManifests.typed(RenderedManifests.readAll(f));
                    KUBE.apply(objects);
                    objects.stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.ServiceAccount)
                            .forEach(o -> serviceAccounts.add(o.getMetadata().getNamespace() + ":" + o.getMetadata().getName()));
                }
            } else if ((m = Pattern.compile("kubectl auth can-i (\\S+) ([^/\\s]+)/(\\S+) --as=(\\S+) +# (yes|no)").matcher(line)).matches()) {
                String[] resource = m.group(2).split("\\.", 2);
                boolean allowed = KUBE.rbac.allows(io.pxtoken.cluster.KubeUser.named(m.group(4)), io.pxtoken.cluster.RequestAttributes
                        .resource(m.group(1), resource.length > 1 ? resource[1] : "", resource[0], "", "", m.group(3)));
                if (allowed != m.group(5).equals("yes")) {
                    return new Outcome(done, c + ": Kubernetes' RBAC answers " + (allowed ? "yes" : "no"));
                }
            } else if (ReadmeWalkthrough.binding(line) != null) {
                KUBE.apply(List.of(ReadmeWalkthrough.binding(line)));
            } else if ((m = Pattern.compile("kubectl -n (\\S+) create serviceaccount (\\S+)").matcher(line)).matches()) {
                serviceAccounts.add(m.group(1) + ":" + m.group(2));
            } else if ((m = Pattern.compile("AUTH=\"Authorization: Bearer \\$\\(kubectl -n (\\S+) create token (\\S+).*\\)\"").matcher(line)).matches()) {
                String sa = m.group(1) + ":" + m.group(2);
                if (!serviceAccounts.contains(sa)) {
                    return new Outcome(done, c + ": a token for service account " + sa + ", which the walkthrough never created");
                }
                env.put("AUTH", "Authorization: Bearer " + token(sa));
            } else if ((m = Pattern.compile("cat > (\\S+) <<'EOF'").matcher(line)).matches()) {
                files.put(m.group(1), c.heredoc());
            } else if ((m = Pattern.compile("PXTOKEN_URL=(\\S+)").matcher(line)).matches()) {
                env.put("PXTOKEN_URL", m.group(1));
            } else if ((m = Pattern.compile("kubectl -n (\\S+) get secret (\\S+) .*").matcher(line)).matches()) {
                if (server.getClient().secrets().inNamespace(m.group(1)).withName(m.group(2)).get() == null) {
                    return new Outcome(done, c + ": no Secret " + m.group(1) + "/" + m.group(2));
                }
            } else if ((m = Pattern.compile("(?:(\\w+)=\\$\\()?(curl .*?)\\)?(?: \\|\\| .*)?").matcher(line)).matches()) {
                Matcher curl = Pattern.compile("(?:(\\w+)=\\$\\()?(curl .*?)\\)?(?: \\|\\| .*)?").matcher(expanded);
                if (!curl.matches()) {
                    return new Outcome(done, c + ": not a curl the replay reads");
                }
                Response r = curl(words(curl.group(2), env), files);
                String body = r.asString();
                if (r.statusCode() / 100 != 2) {
                    return new Outcome(done, c + "\n  answered " + r.statusCode() + ": " + body);
                }
                if (m.group(1) != null) {
                    env.put(m.group(1), body.replaceAll("\n+$", ""));
                }
            } else {
                return new Outcome(done, c + ": the replay does not know this command; replay it or add it to NOT_REPLAYED with why");
            }
            done.add(c.toString());
        }
        return new Outcome(done, null);
    }

    private static String token(String serviceAccount) {
        String token = "walkthrough-token-" + serviceAccount.replace(':', '-');
        KUBE.users.put(token, "system:serviceaccount:" + serviceAccount);
        return token;
    }

    @Test
    @Order(1)
    void theWalkthroughWorksAsPastedUnderTheManifestsRbac() {
        Outcome o = replay(line -> line);
        assertEquals(null, o.failure(), "the README's cluster walkthrough breaks; done before:\n  " + String.join("\n  ", o.done()));
        assertTrue(o.done().stream().anyMatch(d -> d.startsWith("step 6: curl")), "step 6 replayed: " + o.done());
        assertTrue(o.done().stream().anyMatch(d -> d.startsWith("step 8: curl") && d.contains("/v1/secrets")), "step 8 replayed");
        assertTrue(o.done().stream().anyMatch(d -> d.startsWith("Who may mint: curl") && d.contains("token-minter")), "token-minter's mint");
        assertTrue(o.done().stream().anyMatch(d -> d.startsWith("From a Pending PVC") && d.contains("/v1/checks")), "the check");
    }

    @Test
    @Order(2)
    void withoutStep4sSecretsGrantStep6Fails() {
        // the same walkthrough for a second storage admin, without the RoleBinding to pxtoken-token-secrets
        Outcome o = replay(line -> line.contains("create rolebinding storage-admin-token-secrets") ? null
                : line.replace("storage-admin", "storage-admin-2"));
        assertTrue(o.failure() != null && o.failure().startsWith("step 6: curl") && o.failure().contains("answered 403")
                && o.failure().contains("secrets/px-k8s-user -n portworx"), "expected step 6 to be refused: " + o.failure());
    }

    @Test
    @Order(3)
    void theMockJudgesTheServicesRequestsAndRefusesWhatItsRbacDoesNotAllow() {
        assertTrue(EnforcedRbac.checkedRequests(server) > 0, "the service's requests reached the RBAC check");
        // the service's own credentials, asking for what k8s/ never grants it: Secrets in kube-system, where pxkeys is
        var config = new io.fabric8.kubernetes.client.ConfigBuilder(server.getClient().getConfiguration())
                .withOauthToken(EnforcedRbac.SERVICE_TOKEN).build();
        try (var asService = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
            var refused = org.junit.jupiter.api.Assertions.assertThrows(io.fabric8.kubernetes.client.KubernetesClientException.class,
                    () -> asService.secrets().inNamespace("kube-system").withName("pxkeys").get());
            assertEquals(403, refused.getCode());
        }
        List<String> denied = EnforcedRbac.takeDenials(server);
        assertEquals(1, denied.size(), denied.toString());
        assertTrue(denied.get(0).contains("RBAC attributes: get secrets/pxkeys -n kube-system"), denied.get(0));
    }

    /** The shell words of a command, quotes removed and $VAR / "$VAR" expanded from env. */
    static List<String> words(String command, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S+)").matcher(command);
        StringBuilder word = new StringBuilder();
        int last = -1;
        while (m.find()) {
            if (m.group(3) != null && m.group(3).startsWith("#") && (last < 0 || m.start() != last)) {
                break; // a comment to the end of the line
            }
            if (last >= 0 && m.start() != last) {
                out.add(word.toString());
                word.setLength(0);
            }
            if (m.group(1) != null) {
                word.append(m.group(1));
            } else {
                word.append(expand(m.group(2) != null ? m.group(2) : m.group(3), env));
            }
            last = m.end();
        }
        if (last >= 0) {
            out.add(word.toString());
        }
        return out;
    }

    private static String expand(String s, Map<String, String> env) {
        Matcher v = Pattern.compile("\\$\\{?(\\w+)\\}?").matcher(s);
        StringBuilder b = new StringBuilder();
        while (v.find()) {
            String value = env.get(v.group(1));
            if (value == null) {
                throw new AssertionError("$" + v.group(1) + " is used before the walkthrough sets it");
            }
            v.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        v.appendTail(b);
        return b.toString();
    }

    private static Response curl(List<String> args, Map<String, String> files) {
        RequestSpecification spec = given().urlEncodingEnabled(false);
        String method = null;
        String url = null;
        boolean data = false;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-s", "-S", "-sS", "-f", "-sf", "--fail-with-body" -> {
                }
                case "-X" -> method = args.get(++i);
                case "-H" -> {
                    String h = args.get(++i);
                    int colon = h.indexOf(':');
                    spec.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
                }
                case "-d", "--data-binary" -> {
                    String d = args.get(++i);
                    if (d.startsWith("@")) {
                        String file = files.get(d.substring(1));
                        if (file == null) {
                            throw new AssertionError(d + ": the walkthrough never saved " + d.substring(1));
                        }
                        d = file;
                    }
                    spec.body(d.getBytes(StandardCharsets.UTF_8));
                    data = true;
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new AssertionError("curl option " + a + " is not replayed: add it to ReadmeWalkthroughTest.curl");
                    }
                    url = a;
                }
            }
        }
        String path = url.replaceFirst("^https?://[^/]+", "");
        if (!spec.toString().isEmpty() && !hasContentType(args)) {
            spec.contentType("application/x-www-form-urlencoded"); // what curl -d sends without -H Content-Type
        }
        return spec.request(method != null ? method : data ? "POST" : "GET", path);
    }

    private static boolean hasContentType(List<String> args) {
        return args.stream().anyMatch(a -> a.toLowerCase().startsWith("content-type:"));
    }
}
