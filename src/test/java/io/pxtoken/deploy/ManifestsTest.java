package io.pxtoken.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pxtoken.deploy.Manifests.Doc;

/** The promises of k8s/, checked on the files themselves. */
class ManifestsTest {

    static final List<Doc> DOCS = Manifests.all();
    static final Path DEPLOYMENT = Manifests.ROOT.resolve("deployment.yaml");

    static Deployment deployment() {
        return Manifests.one(DOCS, DEPLOYMENT, "Deployment").as(Deployment.class);
    }

    static Container container() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void everyFileParsesWithoutUnknownFields() {
        assertTrue(DOCS.size() >= 20, "documents found: " + DOCS.size());
        List<String> unknown = new ArrayList<>();
        for (Doc d : DOCS) {
            if (d.resource() == null) {
                continue;
            }
            assertFalse(d.kind().isBlank(), d.file() + " has a document without kind");
            unknown.addAll(Manifests.unknownFields(d.resource(), d.file() + ":" + d.kind()));
        }
        assertEquals(List.of(), unknown, "typos in manifests");
    }

    @Test
    void theUnknownFieldCheckCatchesATypo() throws IOException {
        Path typo = Files.createTempFile("typo", ".yaml");
        Files.writeString(typo, "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selectr:\n    app: x\n");
        Doc d = Manifests.read(typo).get(0);
        assertEquals(List.of("typo:Service.spec.selectr"), Manifests.unknownFields(d.resource(), "typo:Service"));
    }

    @Test
    void onlyTheSharedSecretIsMountedReadOnly() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        List<Volume> fromPxkeys = pod.getVolumes().stream()
                .filter(v -> v.getSecret() != null && "pxkeys".equals(v.getSecret().getSecretName())).toList();
        assertEquals(1, fromPxkeys.size());
        Volume v = fromPxkeys.get(0);
        assertEquals(1, v.getSecret().getItems().size(), "items: only one key of pxkeys");
        assertEquals("shared-secret", v.getSecret().getItems().get(0).getKey());
        assertEquals("shared-secret", v.getSecret().getItems().get(0).getPath());
        assertEquals(0400, v.getSecret().getDefaultMode());
        VolumeMount mount = container().getVolumeMounts().stream().filter(m -> m.getName().equals(v.getName())).findFirst().orElseThrow();
        assertTrue(mount.getReadOnly());
        assertEquals(env("PXTOKEN_KEYS_DIR"), mount.getMountPath(), "mounted where the service reads it");
        assertEquals("/var/run/secrets/pxkeys", mount.getMountPath());
        assertEquals(null, mount.getSubPath(), "a subPath mount would never see a rotated secret");

        String all = DOCS.stream().filter(d -> !d.file().toString().contains("examples")).map(d -> d.node().toString())
                .reduce("", String::concat);
        assertFalse(all.contains("system-secret"), "system-secret never enters the pod");
        assertFalse(all.contains("stork-secret"), "stork-secret never enters the pod");
    }

    @Test
    void podSecurityIsRestricted() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        var sc = container().getSecurityContext();
        assertEquals(false, sc.getAllowPrivilegeEscalation());
        assertEquals(true, sc.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty());
        assertEquals(null, pod.getHostNetwork());
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getEmptyDir() != null
                && container().getVolumeMounts().stream().anyMatch(m -> m.getName().equals(v.getName()) && m.getMountPath().equals("/tmp"))),
                "a writable /tmp on a read-only root");
        assertEquals(1001L, pod.getSecurityContext().getRunAsUser(), "the user of the Dockerfiles");
    }

    @Test
    void theTokenIsMountedOnlyWhereTheClientNeedsIt() {
        ServiceAccount sa = Manifests.ofKind(DOCS, "ServiceAccount").stream()
                .filter(d -> d.name().equals("px-token-service")).findFirst().orElseThrow().as(ServiceAccount.class);
        assertEquals(false, sa.getAutomountServiceAccountToken());
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        assertEquals("px-token-service", pod.getServiceAccountName());
        assertEquals(true, pod.getAutomountServiceAccountToken());
    }

    @Test
    void availabilityAndResources() {
        Deployment d = deployment();
        assertEquals(2, d.getSpec().getReplicas());
        assertFalse(d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().isEmpty(), "spread across nodes");
        PodDisruptionBudget pdb = Manifests.one(DOCS, Manifests.ROOT.resolve("poddisruptionbudget.yaml"), "PodDisruptionBudget")
                .as(PodDisruptionBudget.class);
        assertEquals(d.getSpec().getSelector().getMatchLabels(), pdb.getSpec().getSelector().getMatchLabels());
        assertEquals(1, pdb.getSpec().getMinAvailable().getIntVal());
        var resources = container().getResources();
        assertNotNull(resources.getRequests().get("cpu"));
        assertNotNull(resources.getRequests().get("memory"));
        assertNotNull(resources.getLimits().get("memory"));
    }

    @Test
    void theIssuerIsSetWhereTheCommentSaysItMustMatchPortworx() throws IOException {
        assertEquals("portworx.com", env("PXTOKEN_ISSUER"));
        String text = Files.readString(DEPLOYMENT);
        int at = text.indexOf("- name: PXTOKEN_ISSUER");
        assertTrue(text.substring(Math.max(0, at - 200), at).contains("-jwt_issuer"), "the comment above PXTOKEN_ISSUER");
    }

    @Test
    void portsLineUp() {
        int port = appPort();
        assertEquals(port, container().getPorts().get(0).getContainerPort());
        String portName = container().getPorts().get(0).getName();
        Service svc = Manifests.one(DOCS, Manifests.ROOT.resolve("service.yaml"), "Service").as(Service.class);
        assertEquals("ClusterIP", svc.getSpec().getType());
        assertEquals(portName, svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        assertEquals(deployment().getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
        NetworkPolicy np = Manifests.one(DOCS, Manifests.ROOT.resolve("networkpolicy.yaml"), "NetworkPolicy").as(NetworkPolicy.class);
        assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
        assertEquals(1, np.getSpec().getIngress().size());
        assertEquals(List.of(port), np.getSpec().getIngress().get(0).getPorts().stream().map(p -> p.getPort().getIntVal()).toList());
        for (var probe : List.of(container().getLivenessProbe(), container().getReadinessProbe(), container().getStartupProbe())) {
            assertEquals(portName, probe.getHttpGet().getPort().getStrVal());
        }
    }

    @Test
    void rbacIsNoWiderThanUsed() {
        // what the service does with each resource, and nothing more
        Map<String, Set<String>> used = Map.of(
                "secrets", Set.of("get", "list", "watch", "create", "update", "delete"),
                "events", Set.of("create", "get", "update"),
                // the Kubernetes client's Lease lock renews with a merge patch (EnforcedRbac caught its absence)
                "leases", Set.of("get", "create", "update", "patch"));
        for (Doc d : Manifests.ofKind(DOCS, "Role")) {
            if (d.file().toString().contains("examples")) {
                continue;
            }
            Role role = d.as(Role.class);
            boolean lease = d.file().toString().contains("leader-election");
            boolean provenance = d.file().endsWith("provenance-rbac.yaml");
            boolean checkEvents = d.file().endsWith("checks-rbac.yaml");
            if (provenance) {
                // the service's own namespace: read its provenance key Secret by name, create it at first start; nothing else
                assertEquals(2, role.getRules().size());
                for (PolicyRule r : role.getRules()) {
                    assertEquals(List.of("secrets"), r.getResources());
                    assertTrue(r.getVerbs().equals(List.of("create")) || (r.getVerbs().equals(List.of("get"))
                            && r.getResourceNames().equals(List.of("px-token-service-provenance"))), "provenance: " + r);
                }
                continue;
            }
            if (!lease) {
                assertNotNull(role.getMetadata().getNamespace(), "a Role per namespace, never cluster-wide Secret access");
            }
            if (checkEvents) {
                assertEquals("default", role.getMetadata().getNamespace(), "Events on StorageClasses live in default");
                assertEquals(1, role.getRules().size());
                assertEquals(List.of("events"), role.getRules().get(0).getResources(), "no Secret rights in default");
                assertEquals(List.of("create", "get", "update"), role.getRules().get(0).getVerbs(), "record and count Events");
            }
            for (PolicyRule r : role.getRules()) {
                assertEquals(1, r.getResources().size(), "one resource per rule");
                if (r.getResources().get(0).equals("events") && !checkEvents) {
                    assertEquals(List.of("create"), r.getVerbs(), "Events on Secrets are only created");
                }
                String resource = r.getResources().get(0);
                assertEquals(List.of(resource.equals("leases") ? "coordination.k8s.io" : ""), r.getApiGroups());
                assertTrue(used.containsKey(resource), "resource " + resource);
                assertTrue(used.get(resource).containsAll(r.getVerbs()), resource + " verbs " + r.getVerbs());
                assertFalse(r.getVerbs().contains("*") || (r.getVerbs().contains("patch") && !resource.equals("leases")));
                if (lease && !r.getVerbs().equals(List.of("create"))) {
                    assertEquals(List.of("px-token-service"), r.getResourceNames(),
                            "get/update/patch only the service's own Lease");
                }
                if (resource.equals("secrets") || resource.equals("events")) {
                    assertFalse(lease, "no Secret or Event rights in the service's own namespace Role");
                }
            }
        }
        // cluster-wide, the service reads its own custom resources and writes their status, and the token check reads
        // storage objects (never Secrets); Secrets everywhere only with the tenants component
        Map<String, Set<String>> checks = Map.of(
                "storage.k8s.io/storageclasses", Set.of("list", "watch"),
                "/persistentvolumes", Set.of("list", "watch"),
                "/persistentvolumeclaims", Set.of("list", "watch"));
        Map<String, Map<String, Set<String>>> clusterRoles = Map.of(
                "px-token-service-declared", Map.of("pxtoken.io/pxtokens", Set.of("get", "list", "watch"),
                        "pxtoken.io/clusterpxtokens", Set.of("get", "list", "watch"),
                        "pxtoken.io/pxtokens/status", Set.of("update"), "pxtoken.io/clusterpxtokens/status", Set.of("update"),
                        "admissionregistration.k8s.io/validatingadmissionpolicies", Set.of("get", "list", "watch"),
                        "admissionregistration.k8s.io/validatingadmissionpolicybindings", Set.of("get", "list", "watch"),
                        "/events", Set.of("create")),
                "px-token-service-tenants", Map.of("/namespaces", Set.of("get", "list", "watch"), "/secrets", used.get("secrets"),
                        "/events", Set.of("create")),
                "px-token-service-checks", checks);
        for (Doc d : Manifests.ofKind(DOCS, "ClusterRole")) {
            if (d.file().toString().contains("examples")) {
                continue;
            }
            Map<String, Set<String>> allowed = clusterRoles.get(d.name());
            assertNotNull(allowed, "an unexpected ClusterRole of the service: " + d.name());
            if (d.name().equals("px-token-service-tenants")) {
                assertTrue(d.file().startsWith(Manifests.ROOT.resolve("components/tenants")), "cluster-wide Secrets only when opted in");
            }
            Set<String> granted = new java.util.HashSet<>();
            for (PolicyRule r : d.as(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class).getRules()) {
                assertEquals(1, r.getResources().size(), "one resource per rule");
                assertEquals(1, r.getApiGroups().size());
                String resource = r.getApiGroups().get(0) + "/" + r.getResources().get(0);
                assertTrue(allowed.containsKey(resource), d.name() + ": " + resource);
                assertTrue(allowed.get(resource).containsAll(r.getVerbs()), d.name() + ": " + resource + " verbs " + r.getVerbs());
                if (resource.startsWith("admissionregistration.k8s.io/")) {
                    assertEquals(List.of("pxtoken-mint-rights"), r.getResourceNames(), "only the service's own admission policy");
                }
                if (allowed == checks) {
                    assertEquals(checks.get(resource), Set.copyOf(r.getVerbs()), "the token check: " + resource);
                    assertTrue(r.getResourceNames() == null || r.getResourceNames().isEmpty());
                    granted.add(resource);
                }
            }
            if (allowed == checks) {
                assertEquals(checks.keySet(), granted, "the token check reads StorageClasses, PVs and PVCs");
            }
        }
        for (Doc d : Manifests.ofKind(DOCS, "ClusterRoleBinding")) {
            if (!d.file().toString().contains("examples")) {
                String role = d.as(ClusterRoleBinding.class).getRoleRef().getName();
                assertTrue(role.equals("system:auth-delegator") || clusterRoles.containsKey(role), "binds " + role);
            }
        }
        String kustomization = readUnchecked(Manifests.ROOT.resolve("kustomization.yaml"));
        assertTrue(kustomization.contains("- checks-rbac.yaml"), "kustomization deploys the check's RBAC");
        for (Doc d : Manifests.ofKind(DOCS, "ClusterRole")) {
            if (!d.file().toString().contains("examples")) {
                continue;
            }
            for (PolicyRule r : d.as(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class).getRules()) {
                assertEquals(List.of("pxtoken.io"), r.getApiGroups(), "example ClusterRoles only grant pxtoken.io rights");
                assertTrue(List.of("mint", "get").containsAll(r.getVerbs()), "mint, or get checks: " + r.getVerbs());
                if (r.getVerbs().contains("get")) {
                    assertEquals(List.of("checks"), r.getResources(), "get is only for checks.pxtoken.io");
                }
            }
        }
    }

    private static String readUnchecked(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void imagesMatchTheDockerfilesAndTheProjectVersion() throws IOException {
        String version = projectVersion();
        String kustomization = Files.readString(Manifests.ROOT.resolve("kustomization.yaml"));
        assertTrue(kustomization.contains("newTag: " + version), "kustomization tags the image " + version);
        assertEquals("px-token-service", container().getImage());
        for (Path dockerfile : List.of(Path.of("Dockerfile.native"), Path.of("src/main/docker/Dockerfile.jvm"))) {
            String text = Files.readString(dockerfile);
            assertTrue(text.contains("-t px-token-service:" + version), dockerfile + " builds px-token-service:" + version);
            Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(text);
            assertTrue(from.find(), dockerfile + " has FROM");
            String base = from.group(1);
            assertTrue(base.matches("[^:@]+(:[^:]+|@sha256:[0-9a-f]{64})") && !base.endsWith(":latest"),
                    dockerfile + " pins its base image by tag: " + base);
            assertTrue(text.contains("\nUSER 1001\n"), dockerfile + " runs as user 1001");
            assertTrue(text.contains("\nEXPOSE " + appPort() + "\n"), dockerfile + " exposes the app's port");
        }
        assertTrue(Files.readString(Path.of("Dockerfile.native")).contains("target/*-runner"), "the native runner Quarkus builds");
        String jvm = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        assertTrue(jvm.contains("target/quarkus-app/") && jvm.contains("quarkus-run.jar"), "the fast-jar layout Quarkus builds");
    }

    @Test
    void theJvmImageRunsJava25WithTheAotCacheItsOwnBuildTrains() throws IOException {
        String jvm = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        Matcher from = Pattern.compile("(?m)^FROM \\S*openjdk-(\\d+)-runtime:").matcher(jvm);
        assertTrue(from.find() && Integer.parseInt(from.group(1)) >= 25, "a Java 25+ runtime image (the AOT cache needs JDK 24+)");
        assertTrue(jvm.contains("./mvnw package -DskipTests -Dquarkus.package.jar.type=aot-jar"),
                "built as aot-jar, whose classes the JDK's AOT cache can hold");
        assertEquals(1, Pattern.compile("(?m)^ENV JAVA_OPTS=\"[^\"]+\"$").matcher(jvm).results().count(),
                "one ENV JAVA_OPTS line (bench/startup.sh and bench/footprint.sh read it)");
        // the cache is trained in this image, after JAVA_OPTS is set, where the container runs it from
        Matcher train = Pattern.compile("(?m)^RUN bash (\\S+/aot-train\\.sh) /deployments (/deployments/app\\.aot)").matcher(jvm);
        assertTrue(train.find(), "the image build runs the training script");
        assertTrue(jvm.indexOf("ENV JAVA_OPTS=") < train.start() && jvm.lastIndexOf("COPY --chown=1001:root target/quarkus-app/") < train.start(),
                "training sees the app and the JAVA_OPTS the container runs with");
        assertTrue(jvm.contains("COPY src/main/docker/aot-train.sh " + train.group(1)), "the script copied in is the repository's");
        assertTrue(Files.isRegularFile(Path.of("src/main/docker/aot-train.sh")));
        assertTrue(jvm.contains("\nWORKDIR /deployments\n"), "quarkus-run.jar runs from its directory, as in training");
        Matcher entry = Pattern.compile("(?m)^ENTRYPOINT .*exec java -XX:AOTCache=(\\S+) \\$JAVA_OPTS -jar quarkus-run\\.jar").matcher(jvm);
        assertTrue(entry.find(), "the container starts with the cache");
        assertEquals(train.group(2), "/deployments/" + entry.group(1), "the cache it starts with is the one trained");
    }

    @Test
    void theExamplesAreTheGuidesBroughtUpToDate() {
        StorageClass sc = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/storageclass.yaml"), "StorageClass").as(StorageClass.class);
        assertEquals("px-storage", sc.getMetadata().getName());
        assertEquals(Map.of("repl", "1", "openstorage.io/auth-secret-name", "px-k8s-user",
                "openstorage.io/auth-secret-namespace", "portworx"), sc.getParameters());
        StorageClass csi = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/storageclass-csi.yaml"), "StorageClass").as(StorageClass.class);
        assertEquals("pxd.portworx.com", csi.getProvisioner());
        for (String op : List.of("provisioner", "node-publish", "controller-expand")) {
            assertEquals("px-k8s-user", csi.getParameters().get("csi.storage.k8s.io/" + op + "-secret-name"));
            assertEquals("portworx", csi.getParameters().get("csi.storage.k8s.io/" + op + "-secret-namespace"));
        }
        StorageClass tenant = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/storageclass-csi-multitenant.yaml"), "StorageClass")
                .as(StorageClass.class);
        assertEquals("${pvc.namespace}", tenant.getParameters().get("csi.storage.k8s.io/provisioner-secret-namespace"));

        var pvc = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/pvc.yaml"), "PersistentVolumeClaim")
                .as(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class);
        assertEquals("px-storage", pvc.getSpec().getStorageClassName());
        assertTrue(pvc.getMetadata().getAnnotations() == null || pvc.getMetadata().getAnnotations().isEmpty());

        Doc mysqlDoc = Manifests.one(DOCS, Manifests.ROOT.resolve("examples/mysql.yaml"), "Deployment");
        assertEquals("apps/v1", mysqlDoc.node().path("apiVersion").asText());
        Deployment mysql = mysqlDoc.as(Deployment.class);
        assertEquals(mysql.getSpec().getSelector().getMatchLabels().get("app"), mysql.getSpec().getTemplate().getMetadata().getLabels().get("app"));
        EnvVar password = mysql.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("MYSQL_ROOT_PASSWORD")).findFirst().orElseThrow();
        assertEquals(null, password.getValue(), "no literal password");
        assertEquals("mysql-root", password.getValueFrom().getSecretKeyRef().getName());
        assertEquals("mysql-data", mysql.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
    }

    static String env(String name) {
        return container().getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    static int appPort() {
        try {
            Matcher m = Pattern.compile("(?m)^quarkus\\.http\\.port=(\\d+)$").matcher(Files.readString(Path.of("src/main/resources/application.properties")));
            return m.find() ? Integer.parseInt(m.group(1)) : 8080;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>px-token-service</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        return m.group(1);
    }
}
