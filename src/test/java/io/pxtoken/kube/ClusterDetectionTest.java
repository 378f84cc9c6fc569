package io.pxtoken.kube;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterDetectionTest {

    @TempDir
    Path home;

    @Test
    void noPodNoKubeconfigNoUrlIsNoCluster() {
        assertFalse(KubernetesCluster.detect(Map.of(), Optional.empty(), home));
        assertFalse(KubernetesCluster.detect(Map.of("KUBECONFIG", home.resolve("missing").toString()), Optional.of(" "), home));
    }

    @Test
    void aPodIsACluster() {
        assertTrue(KubernetesCluster.detect(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), Optional.empty(), home));
    }

    @Test
    void aKubeconfigIsACluster() throws IOException {
        Path config = Files.createDirectories(home.resolve(".kube")).resolve("config");
        Files.writeString(config, "apiVersion: v1\n");
        assertTrue(KubernetesCluster.detect(Map.of(), Optional.empty(), home));
        Path other = Files.writeString(home.resolve("other"), "x");
        assertTrue(KubernetesCluster.detect(Map.of("KUBECONFIG", "/nope:" + other), Optional.empty(), Path.of("/nonexistent")));
    }

    @Test
    void anApiServerUrlIsACluster() {
        assertTrue(KubernetesCluster.detect(Map.of(), Optional.of("https://127.0.0.1:6443"), home));
    }
}
