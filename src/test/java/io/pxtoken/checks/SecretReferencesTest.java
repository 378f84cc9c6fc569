package io.pxtoken.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;

import io.pxtoken.kube.StorageObjects.ClaimInfo;
import io.pxtoken.kube.StorageObjects.StorageClassInfo;
import io.pxtoken.kube.StorageObjects.VolumeInfo;

/** Which Secrets Portworx reads a token from, found from StorageClasses, PVs and PVCs. */
class SecretReferencesTest {

    static final String CSI = "csi.storage.k8s.io/";

    static StorageClassInfo sc(String name, String... kv) {
        java.util.Map<String, String> p = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return new StorageClassInfo(name, "uid-" + name, p);
    }

    static Referrer sc(String name, String parameter) {
        return new Referrer("storageclass/" + name, parameter);
    }

    @Test
    void inTreeAndEveryCsiOperation() {
        var found = SecretReferences.find(List.of(
                sc("px-intree", "repl", "1", "openstorage.io/auth-secret-name", "px-k8s-user",
                        "openstorage.io/auth-secret-namespace", "portworx"),
                sc("px-csi", CSI + "provisioner-secret-name", "px-k8s-user", CSI + "provisioner-secret-namespace", "portworx",
                        CSI + "node-publish-secret-name", "px-k8s-user", CSI + "node-publish-secret-namespace", "portworx",
                        CSI + "controller-expand-secret-name", "px-expand", CSI + "controller-expand-secret-namespace", "portworx",
                        CSI + "node-stage-secret-name", "px-stage", CSI + "node-stage-secret-namespace", "portworx",
                        CSI + "controller-publish-secret-name", "px-publish", CSI + "controller-publish-secret-namespace", "portworx",
                        CSI + "fstype", "ext4"),
                sc("half", CSI + "provisioner-secret-name", "no-namespace"),
                sc("plain", "repl", "3")), List.of(), List.of());
        assertEquals(List.of(SecretRef.of("portworx", "px-expand"), SecretRef.of("portworx", "px-k8s-user"),
                SecretRef.of("portworx", "px-publish"), SecretRef.of("portworx", "px-stage")), List.copyOf(found.keySet()));
        assertEquals(List.of(sc("px-intree", "openstorage.io/auth-secret-name"), sc("px-csi", CSI + "provisioner-secret-name"),
                sc("px-csi", CSI + "node-publish-secret-name")), found.get(SecretRef.of("portworx", "px-k8s-user")));
        assertEquals("auth-token", found.firstKey().key());
    }

    @Test
    void templatesAreExpandedOverTheClaimsOfTheirClass() {
        var classes = List.of(
                sc("tenant", CSI + "provisioner-secret-name", "px-k8s-user", CSI + "provisioner-secret-namespace", "${pvc.namespace}",
                        CSI + "node-publish-secret-name", "px-k8s-user", CSI + "node-publish-secret-namespace", "${pvc.namespace}"),
                sc("per-claim", CSI + "provisioner-secret-name", "${pvc.name}-token", CSI + "provisioner-secret-namespace", "${pvc.namespace}"),
                sc("per-volume", CSI + "node-publish-secret-name", "${pv.name}", CSI + "node-publish-secret-namespace", "portworx"),
                sc("annotated", CSI + "node-publish-secret-name", "${pvc.annotations['team']}", CSI + "node-publish-secret-namespace", "x"));
        var claims = List.of(
                new ClaimInfo("tenant-a", "db", "tenant", "pvc-1"),
                new ClaimInfo("tenant-a", "logs", "tenant", null),
                new ClaimInfo("tenant-b", "db", "tenant", "pvc-2"),
                new ClaimInfo("tenant-c", "web", "per-claim", null),
                new ClaimInfo("tenant-c", "bound", "per-volume", "pvc-3"),
                new ClaimInfo("tenant-c", "pending", "per-volume", null),
                new ClaimInfo("tenant-d", "other", "elsewhere", "pvc-4"),
                new ClaimInfo("tenant-e", "x", "annotated", "pvc-5"));
        SortedMap<SecretRef, List<Referrer>> found = SecretReferences.find(classes, List.of(), claims);
        assertEquals(List.of(SecretRef.of("portworx", "pvc-3"), SecretRef.of("tenant-a", "px-k8s-user"),
                SecretRef.of("tenant-b", "px-k8s-user"), SecretRef.of("tenant-c", "web-token")), List.copyOf(found.keySet()),
                "one Secret per namespace with claims of the class; nothing for a class without claims or an unknown template");
        assertEquals(List.of(sc("tenant", CSI + "provisioner-secret-name"), sc("tenant", CSI + "node-publish-secret-name")),
                found.get(SecretRef.of("tenant-a", "px-k8s-user")), "two claims in tenant-a, each referrer once");
    }

    @Test
    void persistentVolumesNameTheirDeletionSecret() {
        var found = SecretReferences.find(List.of(), List.of(
                new VolumeInfo("pvc-1", Map.of(SecretReferences.DELETION_SECRET_NAME, "px-old",
                        SecretReferences.DELETION_SECRET_NAMESPACE, "portworx", "pv.kubernetes.io/provisioned-by", "pxd.portworx.com")),
                new VolumeInfo("pvc-2", Map.of(SecretReferences.DELETION_SECRET_NAME, "px-old",
                        SecretReferences.DELETION_SECRET_NAMESPACE, "portworx")),
                new VolumeInfo("pvc-3", Map.of())), List.of());
        assertEquals(List.of(new Referrer("persistentvolume/pvc-1", SecretReferences.DELETION_SECRET_NAME),
                new Referrer("persistentvolume/pvc-2", SecretReferences.DELETION_SECRET_NAME)),
                found.get(SecretRef.of("portworx", "px-old")));
        assertEquals(1, found.size());
        assertTrue(found.get(SecretRef.of("portworx", "px-old")).stream().allMatch(r -> r.storageClass() == null));
    }
}
