package io.pxtoken;

import java.nio.file.Path;
import java.util.List;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

/** What declared tokens need in a mock API server, as k8s/ ships it: the two CRDs and the admission policy. */
public final class ShippedDeclaredTokens {

    private ShippedDeclaredTokens() {
    }

    /** Creates the CRDs of {@code k8s/crds/} and the admission policy, each unless it is there. */
    public static void apply(KubernetesClient client) {
        var crds = client.apiextensions().v1().customResourceDefinitions();
        for (String file : List.of("k8s/crds/pxtokens.yaml", "k8s/crds/clusterpxtokens.yaml")) {
            CustomResourceDefinition crd = crds.load(Path.of(file).toFile()).item();
            if (crds.withName(crd.getMetadata().getName()).get() == null) {
                crds.resource(crd).create();
            }
        }
        ShippedAdmissionPolicy.apply(client);
    }
}
