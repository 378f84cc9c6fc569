package io.pxtoken.kube;

import java.time.Clock;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Kubernetes Events on token Secrets ({@code kubectl describe secret} shows them): what was renewed, re-signed or
 * failed, and why. Best effort: an Event that cannot be written is logged, never a failure of the work it reports.
 * Messages never hold a token.
 */
@ApplicationScoped
public class SecretEvents {

    private static final Logger LOG = Logger.getLogger(SecretEvents.class);

    private final KubernetesCluster cluster;
    private final Clock clock;

    public SecretEvents(KubernetesCluster cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    public void normal(Secret s, String reason, String message) {
        record(s, "Normal", reason, message);
    }

    public void warning(Secret s, String reason, String message) {
        record(s, "Warning", reason, message);
    }

    private void record(Secret s, String type, String reason, String message) {
        String ns = s.getMetadata().getNamespace();
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(ns).withGenerateName(s.getMetadata().getName() + ".").endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Secret").withNamespace(ns)
                .withName(s.getMetadata().getName()).withUid(s.getMetadata().getUid()).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(ManagedSecrets.APP).endSource()
                .build();
        try {
            cluster.client().v1().events().inNamespace(ns).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warnf("Could not record Event %s on Secret %s/%s (%s)", reason, ns, s.getMetadata().getName(),
                    e.getClass().getSimpleName());
        }
    }
}
