package io.pxtoken.checks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import io.pxtoken.kube.StorageObjects.ClaimInfo;
import io.pxtoken.kube.StorageObjects.StorageClassInfo;
import io.pxtoken.kube.StorageObjects.VolumeInfo;

/**
 * Every Secret Portworx would read a token from, and what makes it read it:
 * <ul>
 * <li>StorageClasses of the in-tree driver: {@code openstorage.io/auth-secret-name} and {@code -namespace};</li>
 * <li>StorageClasses of the CSI driver: {@code csi.storage.k8s.io/<operation>-secret-name} and {@code -namespace} for
 * the operations {@code provisioner}, {@code node-publish}, {@code controller-expand}, {@code node-stage} and
 * {@code controller-publish};</li>
 * <li>PersistentVolumes: the deletion secret the provisioner recorded, annotations
 * {@code volume.kubernetes.io/provisioner-deletion-secret-name} and {@code -namespace}.</li>
 * </ul>
 * A StorageClass parameter may be a template: {@code ${pvc.namespace}}, {@code ${pvc.name}} and {@code ${pv.name}} are
 * expanded over the PVCs of that class (a PVC not yet bound has no {@code pv.name}). Other templates cannot be known
 * here; such a parameter is left out. Pure: no I/O.
 */
public final class SecretReferences {

    public static final String IN_TREE_NAME = "openstorage.io/auth-secret-name";
    public static final String IN_TREE_NAMESPACE = "openstorage.io/auth-secret-namespace";
    public static final String CSI_PREFIX = "csi.storage.k8s.io/";
    /** The CSI operations whose secrets Portworx's CSI driver reads a token from. */
    public static final List<String> CSI_OPERATIONS = List.of("provisioner", "node-publish", "controller-expand",
            "node-stage", "controller-publish");
    public static final String DELETION_SECRET_NAME = "volume.kubernetes.io/provisioner-deletion-secret-name";
    public static final String DELETION_SECRET_NAMESPACE = "volume.kubernetes.io/provisioner-deletion-secret-namespace";

    /** One StorageClass parameter pair naming a Secret: name first, then namespace. */
    private record Pair(String name, String namespace) {
    }

    private static final List<Pair> PAIRS;

    static {
        List<Pair> pairs = new ArrayList<>();
        pairs.add(new Pair(IN_TREE_NAME, IN_TREE_NAMESPACE));
        for (String op : CSI_OPERATIONS) {
            pairs.add(new Pair(CSI_PREFIX + op + "-secret-name", CSI_PREFIX + op + "-secret-namespace"));
        }
        PAIRS = List.copyOf(pairs);
    }

    private SecretReferences() {
    }

    /** The referenced Secrets in order (namespace, name), each with its referrers in the order found. */
    public static SortedMap<SecretRef, List<Referrer>> find(List<StorageClassInfo> classes, List<VolumeInfo> volumes,
            List<ClaimInfo> claims) {
        Map<SecretRef, Set<Referrer>> found = new TreeMap<>();
        for (StorageClassInfo sc : classes) {
            Map<String, String> p = sc.parameters();
            for (Pair pair : PAIRS) {
                String name = p.get(pair.name());
                String namespace = p.get(pair.namespace());
                if (name == null || namespace == null || name.isBlank() || namespace.isBlank()) {
                    continue;
                }
                Referrer referrer = new Referrer(Referrer.STORAGE_CLASS + sc.name(), pair.name());
                if (!templated(name) && !templated(namespace)) {
                    add(found, SecretRef.of(namespace, name), referrer);
                    continue;
                }
                for (ClaimInfo claim : claims) {
                    if (!sc.name().equals(claim.storageClassName())) {
                        continue;
                    }
                    String ns = expand(namespace, claim);
                    String n = expand(name, claim);
                    if (ns != null && n != null) {
                        add(found, SecretRef.of(ns, n), referrer);
                    }
                }
            }
        }
        for (VolumeInfo pv : volumes) {
            String name = pv.annotations().get(DELETION_SECRET_NAME);
            String namespace = pv.annotations().get(DELETION_SECRET_NAMESPACE);
            if (name != null && namespace != null && !name.isBlank() && !namespace.isBlank()) {
                add(found, SecretRef.of(namespace, name), new Referrer(Referrer.PERSISTENT_VOLUME + pv.name(), DELETION_SECRET_NAME));
            }
        }
        SortedMap<SecretRef, List<Referrer>> out = new TreeMap<>();
        found.forEach((ref, referrers) -> out.put(ref, List.copyOf(referrers)));
        return out;
    }

    private static void add(Map<SecretRef, Set<Referrer>> found, SecretRef ref, Referrer referrer) {
        found.computeIfAbsent(ref, r -> new LinkedHashSet<>()).add(referrer);
    }

    static boolean templated(String value) {
        return value.contains("${");
    }

    /** The value with the PVC's templates filled in, or null when a template cannot be filled. */
    static String expand(String value, ClaimInfo claim) {
        String out = value.replace("${pvc.namespace}", claim.namespace()).replace("${pvc.name}", claim.name());
        if (out.contains("${pv.name}")) {
            if (claim.volumeName() == null || claim.volumeName().isBlank()) {
                return null;
            }
            out = out.replace("${pv.name}", claim.volumeName());
        }
        return templated(out) ? null : out;
    }
}
