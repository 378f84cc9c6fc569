package io.pxtoken.renewal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.ManagedSecrets;

/**
 * Which managed Secrets renewal follows: those in {@code pxtoken.secrets.namespaces}, and elsewhere (tenants) only
 * those whose controller is a PxToken or ClusterPxToken that this leader reconciles now. A Secret labelled as managed
 * in any other namespace is not looked at: anyone may label a Secret.
 */
@ApplicationScoped
public class RenewalScope {

    /** Label on a declared Secret: the uid of the resource that declares it. */
    public static final String OWNER_UID = ManagedSecrets.PREFIX + "owner-uid";

    private final List<String> namespaces;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();

    public RenewalScope(PxTokenConfig config) {
        this.namespaces = config.secrets().namespaces().orElse(List.of());
    }

    /** The declared-token controller reconciles the resource of this uid. */
    public void declare(String uid) {
        declared.add(uid);
    }

    /** It no longer does (deleted, or leadership lost). */
    public void forget(String uid) {
        declared.remove(uid);
    }

    public void forgetAll() {
        declared.clear();
    }

    /** Whether renewal looks after this Secret. */
    public boolean covers(Secret s) {
        if (namespaces.contains(s.getMetadata().getNamespace())) {
            return true;
        }
        Map<String, String> labels = s.getMetadata().getLabels();
        String owner = labels == null ? null : labels.get(OWNER_UID);
        return owner != null && declared.contains(owner) && owner.equals(controllerUid(s));
    }

    private static String controllerUid(Secret s) {
        List<OwnerReference> refs = s.getMetadata().getOwnerReferences();
        return refs == null ? null : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController()))
                .map(OwnerReference::getUid).findFirst().orElse(null);
    }
}
