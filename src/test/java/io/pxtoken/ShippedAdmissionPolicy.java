package io.pxtoken;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The admission policy of {@code k8s/admission-policy.yaml}, as shipped, put into (or taken out of) a mock API server. */
public final class ShippedAdmissionPolicy {

    public static final String NAME = "pxtoken-mint-rights";
    static final String FILE = "k8s/components/admission-policy/admission-policy.yaml";

    private ShippedAdmissionPolicy() {
    }

    /** Creates the policy and its binding unless they are there. */
    public static void apply(KubernetesClient client) {
        try (InputStream in = new FileInputStream(FILE)) {
            for (HasMetadata o : client.load(in).items()) {
                o.getMetadata().setNamespace(null);
                if (client.resource(o).get() == null) {
                    client.resource(o).create();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void removePolicy(KubernetesClient client) {
        client.resources(ValidatingAdmissionPolicy.class).withName(NAME).delete();
    }

    public static void removeBinding(KubernetesClient client) {
        client.resources(ValidatingAdmissionPolicyBinding.class).withName(NAME).delete();
    }

    public static ValidatingAdmissionPolicyBinding binding(KubernetesClient client) {
        return client.resources(ValidatingAdmissionPolicyBinding.class).withName(NAME).get();
    }
}
