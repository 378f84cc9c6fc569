package io.pxtoken.kube;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes Events on StorageClasses ({@code kubectl describe storageclass} shows them). A StorageClass has no
 * namespace, so its Events go to {@code default}, where Kubernetes' own recorders put the Events of cluster-scoped
 * objects ({@code events create get update} there, in {@code k8s/checks-rbac.yaml}). Best effort: an Event that cannot be written
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

    /**
     * Records a Warning Event, or counts it again: an Event of the same StorageClass and {@code identity} (say, the Secret
     * and the verdict) is one Event whose {@code count} and {@code lastTimestamp} go up and whose message is the latest,
     * as Kubernetes aggregates repeated Events. Its name is derived from both, so a new leader, or a restarted one,
     * counts on the Event already there instead of adding another.
     */
    public void warning(StorageObjects.StorageClassInfo sc, String identity, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        String name = name(sc.name(), identity);
        var events = cluster.client().v1().events().inNamespace(NAMESPACE);
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
                .withNewInvolvedObject().withApiVersion("storage.k8s.io/v1").withKind("StorageClass")
                .withName(sc.name()).withUid(sc.uid()).endInvolvedObject()
                .withType("Warning").withReason(reason).withMessage(message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent(ManagedSecrets.APP).endSource()
                .build();
        try {
            try {
                events.resource(event).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                Event existing = events.withName(name).get();
                if (existing == null) {
                    return;
                }
                int count = existing.getCount() == null ? 1 : existing.getCount();
                events.resource(new EventBuilder(existing).withCount(count + 1).withLastTimestamp(now).withMessage(message)
                        .withType("Warning").withReason(reason).build()).update();
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not record Event %s on StorageClass %s (%s)", reason, sc.name(), e.getClass().getSimpleName());
        }
    }

    /** {@code <storageclass>.<16 hex digits of the identity>}: a valid name, the same for the same Event. */
    static String name(String storageClass, String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((storageClass + "\n" + identity).getBytes(StandardCharsets.UTF_8));
            String prefix = storageClass.length() > 200 ? storageClass.substring(0, 200) : storageClass;
            return prefix + "." + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
