package io.pxtoken.kube;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * Kubernetes Events on token Secrets ({@code kubectl describe secret} shows them): what was renewed, re-signed or
 * failed, and why. Best effort, as every {@link ResourceEvents}. Messages never hold a token.
 */
@ApplicationScoped
public class SecretEvents {

    private final ResourceEvents events;

    public SecretEvents(ResourceEvents events) {
        this.events = events;
    }

    public void normal(Secret s, String reason, String message) {
        events.normal(withKind(s), reason, message);
    }

    public void warning(Secret s, String reason, String message) {
        events.warning(withKind(s), reason, message);
    }

    /** A Secret as read carries its kind; one built here may not. */
    private static Secret withKind(Secret s) {
        if ("Secret".equals(s.getKind()) && "v1".equals(s.getApiVersion())) {
            return s;
        }
        Secret copy = new Secret();
        copy.setApiVersion("v1");
        copy.setKind("Secret");
        copy.setMetadata(s.getMetadata());
        return copy;
    }
}
