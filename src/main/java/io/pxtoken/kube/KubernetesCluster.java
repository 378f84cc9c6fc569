package io.pxtoken.kube;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pxtoken.config.PxTokenConfig;

/** Whether a Kubernetes cluster is configured, and the client that reaches it. */
@ApplicationScoped
public class KubernetesCluster {

    private final Instance<KubernetesClient> clients;
    private final boolean configured;

    @Inject
    public KubernetesCluster(PxTokenConfig config, Instance<KubernetesClient> clients,
            @ConfigProperty(name = "quarkus.kubernetes-client.api-server-url") Optional<String> apiServer) {
        this.clients = clients;
        this.configured = config.kubernetes().enabled()
                .orElseGet(() -> detect(System.getenv(), apiServer, Path.of(System.getProperty("user.home", "/"))));
    }

    /** A cluster is configured when running in a pod, when a kubeconfig exists, or when an API server URL is set. */
    static boolean detect(Map<String, String> env, Optional<String> apiServer, Path home) {
        if (apiServer.isPresent() && !apiServer.get().isBlank()) {
            return true;
        }
        if (!env.getOrDefault("KUBERNETES_SERVICE_HOST", "").isBlank()) {
            return true;
        }
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            for (String file : kubeconfig.split(":")) {
                if (!file.isBlank() && Files.isRegularFile(Path.of(file))) {
                    return true;
                }
            }
        }
        return Files.isRegularFile(home.resolve(".kube").resolve("config"));
    }

    public boolean configured() {
        return configured;
    }

    /** @throws KubernetesUnavailableException (503) when no cluster is configured */
    KubernetesClient client() {
        if (!configured) {
            throw new KubernetesUnavailableException(503, "kubernetes-not-configured",
                    "No Kubernetes cluster is configured (not running in a pod, no kubeconfig)");
        }
        return clients.get();
    }
}
