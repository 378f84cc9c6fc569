package io.pxtoken.kube;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;

/**
 * Kubernetes Events on StorageClasses ({@code kubectl describe storageclass} shows them). A StorageClass has no
 * namespace, so its Events go to {@code default}, where Kubernetes' own recorders put the Events of cluster-scoped
 * objects ({@code events create} there, in {@code k8s/checks-rbac.yaml}). Best effort: an Event that cannot be written
 * is logged, never a failure of the check it reports. Messages never hold a token.
 */
@ApplicationScoped
public class StorageClassEvents {

    /** Where Events on cluster-scoped objects are kept. */
    public static final String NAMESPACE = "default";

    private static final Logger LOG = Logger.getLogger(StorageClassEvents.class);

    private final KubernetesCluster cluster;
    private final Clock clock;

    public StorageClassEvents(KubernetesCluster cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    public void warning(StorageObjects.StorageClassInfo sc, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withGenerateName(sc.name() + ".").endMetadata()
                .withNewInvolvedObject().withApiVersion("storage.k8s.io/v1").withKind("StorageClass")
                .withName(sc.name()).withUid(sc.uid()).endInvolvedObject()
                .withType("Warning").withReason(reason).withMessage(message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(ManagedSecrets.APP).endSource()
                .build();
        try {
            cluster.client().v1().events().inNamespace(NAMESPACE).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warnf("Could not record Event %s on StorageClass %s (%s)", reason, sc.name(), e.getClass().getSimpleName());
        }
    }
}
