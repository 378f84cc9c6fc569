package io.pxtoken.kube;

import java.time.Clock;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Kubernetes Events on any object ({@code kubectl describe} shows them): on a namespaced object in its namespace, on a
 * cluster-scoped one in {@code default}, where Kubernetes' own recorders put them. Best effort: an Event that cannot be
 * written is logged, never a failure of the work it reports. Messages never hold a token.
 */
@ApplicationScoped
public class ResourceEvents {

    private static final Logger LOG = Logger.getLogger(ResourceEvents.class);

    private final KubernetesCluster cluster;
    private final Clock clock;

    public ResourceEvents(KubernetesCluster cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    public void normal(HasMetadata o, String reason, String message) {
        record(o, "Normal", reason, message);
    }

    public void warning(HasMetadata o, String reason, String message) {
        record(o, "Warning", reason, message);
    }

    private void record(HasMetadata o, String type, String reason, String message) {
        String objectNamespace = o.getMetadata().getNamespace();
        String ns = objectNamespace == null ? StorageClassEvents.NAMESPACE : objectNamespace;
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(ns).withGenerateName(o.getMetadata().getName() + ".").endMetadata()
                .withNewInvolvedObject().withApiVersion(o.getApiVersion()).withKind(o.getKind()).withNamespace(objectNamespace)
                .withName(o.getMetadata().getName()).withUid(o.getMetadata().getUid()).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(ManagedSecrets.APP).endSource()
                .build();
        try {
            cluster.client().v1().events().inNamespace(ns).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warnf("Could not record Event %s on %s %s/%s (%s)", reason, o.getKind(), ns, o.getMetadata().getName(),
                    e.getClass().getSimpleName());
        }
    }
}
