package io.pxtoken.declared;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.KubernetesConflictException;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.ResourceWatch;
import io.pxtoken.kube.SecretWatch;
import io.pxtoken.kube.TokenSecrets;
import io.pxtoken.leader.LeaderWork;
import io.pxtoken.renewal.RenewalController;
import io.quarkus.arc.Unremovable;

/**
 * Reconciles PxTokens and ClusterPxTokens on the leader: informers on both kinds, on namespaces (tenants) and on the
 * managed Secrets feed one queue, worked by one thread, one resource at a time. Everything is recomputed from the
 * cluster on each pass (the resource, its Secrets' annotations), so a new leader converges without memory of the old
 * one. Renewal and re-signing of the Secrets are the renewal engine's, as for any managed Secret; this controller
 * mints when a declaration is new or changed, and reports in {@code status}.
 */
@ApplicationScoped
@Unremovable // found through Instance<LeaderWork> only
public class DeclaredTokenController implements LeaderWork {

    private static final Logger LOG = Logger.getLogger(DeclaredTokenController.class);
    private static final String READY = "Ready";
    /** Every resource is looked at again this often, so that status follows the clock (expiry) without an event. */
    static final long RESYNC_MILLIS = Duration.ofMinutes(10).toMillis();
    private static final Duration NOT_SYNCED = Duration.ofMillis(200);
    private static final Duration CONFLICT = Duration.ofMillis(100);

    /** Not now: the informers have not listed yet. */
    private static final class NotSynced extends RuntimeException {
        NotSynced() {
            super(null, null, false, false);
        }
    }

    private final PxTokenConfig config;
    private final ResourceWatch resources;
    private final SecretWatch secretWatch;
    private final TokenSecrets secrets;
    private final DeclaredSecretWriter writer;
    private final RenewalController renewal;
    private final Clock clock;
    private final List<String> namespaces;
    private final boolean tenants;

    /** Keys queued and not yet worked on: a burst of events is one reconcile. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    /** Declaring resource uid to queue key, so that a change to a declared Secret reaches its owner. */
    private final Map<String, String> owners = new ConcurrentHashMap<>();

    private volatile boolean leading;
    private volatile ScheduledExecutorService queue;
    private volatile ResourceWatch.Watched<PxToken> pxTokens;
    private volatile ResourceWatch.Watched<ClusterPxToken> clusterTokens;
    private volatile ResourceWatch.Watched<Namespace> namespaceWatch;
    private volatile AutoCloseable secretInformers;

    public DeclaredTokenController(PxTokenConfig config, ResourceWatch resources, SecretWatch secretWatch, TokenSecrets secrets,
            DeclaredSecretWriter writer, RenewalController renewal, Clock clock) {
        this.config = config;
        this.resources = resources;
        this.secretWatch = secretWatch;
        this.secrets = secrets;
        this.writer = writer;
        this.renewal = renewal;
        this.clock = clock;
        this.namespaces = config.secrets().namespaces().orElse(List.of());
        this.tenants = config.tenants().enabled();
    }

    /** Declared tokens go with renewal: a declared token nobody renews would expire. */
    @Override
    public String off() {
        return renewal.off();
    }

    /** Whether this replica reconciles now. */
    public boolean leading() {
        return leading;
    }

    @Override
    public synchronized void startLeading() {
        if (leading) {
            return;
        }
        LOG.infof("Declared tokens: reconciling PxTokens%s", tenants ? " and ClusterPxTokens" : " (ClusterPxTokens: pxtoken.tenants.enabled=false)");
        leading = true;
        queue = Executors.newSingleThreadScheduledExecutor(LeaderWork.threads("declared-tokens"));
        try {
            if (tenants) {
                namespaceWatch = resources.watch(Namespace.class, 0, n -> enqueueClusterTokens(), n -> enqueueClusterTokens());
            }
            secretInformers = tenants ? secretWatch.watchEverywhere(this::secretChanged, this::secretChanged)
                    : secretWatch.watch(namespaces, this::secretChanged, this::secretChanged);
            pxTokens = resources.watch(PxToken.class, RESYNC_MILLIS, t -> changed(t, pxTokenKey(t)), this::removed);
            clusterTokens = resources.watch(ClusterPxToken.class, RESYNC_MILLIS, t -> changed(t, clusterKey(t)), this::removed);
        } catch (RuntimeException e) {
            LOG.warnf("Declared tokens: could not start the informers (%s)", e.getMessage());
        }
    }

    @Override
    public synchronized void stopLeading() {
        if (!leading) {
            return;
        }
        leading = false;
        for (AutoCloseable c : new AutoCloseable[] {pxTokens, clusterTokens, namespaceWatch, secretInformers}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.debugf("Closing an informer: %s", e.getClass().getName());
            }
        }
        pxTokens = null;
        clusterTokens = null;
        namespaceWatch = null;
        secretInformers = null;
        queue.shutdownNow();
        pending.clear();
        failures.clear();
        owners.clear();
    }

    private static String pxTokenKey(HasMetadata t) {
        return "PxToken/" + t.getMetadata().getNamespace() + "/" + t.getMetadata().getName();
    }

    private static String clusterKey(HasMetadata t) {
        return "ClusterPxToken/" + t.getMetadata().getName();
    }

    private void changed(HasMetadata t, String key) {
        owners.put(t.getMetadata().getUid(), key);
        enqueue(key);
    }

    private void removed(HasMetadata t) {
        // the garbage collector deletes the Secrets through their owner references
        owners.remove(t.getMetadata().getUid());
    }

    private void secretChanged(Secret s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        // a managed Secret minted over HTTP has no owner: nothing declared it
        String owner = labels == null ? null : labels.get(DeclaredSecretWriter.OWNER_UID);
        String key = owner == null ? null : owners.get(owner);
        if (key != null) {
            enqueue(key);
        }
    }

    private void enqueueClusterTokens() {
        var watched = clusterTokens;
        if (watched != null) {
            watched.list().forEach(c -> enqueue(clusterKey(c)));
        }
    }

    private void enqueue(String key) {
        ScheduledExecutorService q = queue;
        if (leading && pending.add(key)) {
            try {
                q.execute(() -> work(key));
            } catch (RejectedExecutionException e) {
                pending.remove(key);
            }
        }
    }

    private void later(String key, Duration delay) {
        try {
            queue.schedule(() -> enqueue(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // no longer leading
        }
    }

    private void work(String key) {
        pending.remove(key);
        if (!leading) {
            return;
        }
        try {
            if (key.startsWith("PxToken/")) {
                String[] p = key.split("/", 3);
                reconcilePxToken(p[1], p[2]);
            } else {
                reconcileClusterToken(key.substring("ClusterPxToken/".length()));
            }
            failures.remove(key);
        } catch (NotSynced e) {
            later(key, NOT_SYNCED);
        } catch (KubernetesConflictException e) {
            later(key, CONFLICT);
        } catch (RuntimeException e) {
            int n = failures.merge(key, 1, Integer::sum);
            Duration wait = backoff(n);
            LOG.warnf("Declared tokens: %s failed (%s); again in %ss", key, e.getMessage(), wait.toSeconds());
            later(key, wait);
        }
    }

    /** pxtoken.renewal.first-retry, doubling, at most pxtoken.renewal.max-retry-interval. */
    private Duration backoff(int failures) {
        long millis = config.renewal().firstRetry().toMillis() << Math.min(20, failures - 1);
        long max = config.renewal().maxRetryInterval().toMillis();
        return Duration.ofMillis(millis <= 0 || millis > max ? max : millis);
    }

    private static OwnerReference ownerOf(HasMetadata t) {
        return new OwnerReferenceBuilder().withApiVersion(t.getApiVersion()).withKind(t.getKind())
                .withName(t.getMetadata().getName()).withUid(t.getMetadata().getUid()).withController(true).build();
    }

    private void reconcilePxToken(String namespace, String name) {
        var watched = pxTokens;
        if (watched == null) {
            throw new NotSynced();
        }
        PxToken t = watched.get(namespace, name);
        if (t == null || t.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        PxTokenSpec spec = t.getSpec();
        DeclaredSecretWriter.Outcome o;
        if (spec == null) {
            o = new DeclaredSecretWriter.Outcome(DeclaredSecretWriter.REFUSED, false, "spec is required", null);
        } else {
            spec = withSecretName(spec, name);
            o = writer.write(spec, namespace, ownerOf(t), false);
            if (o.secret() != null) {
                removeStale(t, List.of(o.secret()), secrets.listManaged(namespace));
            }
        }
        Secret s = o.secret();
        PxTokenStatus status = new PxTokenStatus(
                List.of(condition(t.getStatus() == null ? null : t.getStatus().conditions(), o.ready(), o.reason(), o.message(),
                        t.getMetadata().getGeneration())),
                t.getMetadata().getGeneration(), spec == null ? null : spec.secretName(),
                s == null ? null : ManagedSecrets.annotation(s, ManagedSecrets.ISSUED_AT),
                s == null ? null : ManagedSecrets.annotation(s, ManagedSecrets.EXPIRES_AT),
                s == null ? null : ManagedSecrets.annotation(s, ManagedSecrets.RENEWAL_TIME),
                s == null ? null : ManagedSecrets.annotation(s, ManagedSecrets.JTI),
                s == null ? null : ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT));
        if (!Objects.equals(status, t.getStatus())) {
            PxToken copy = new PxToken();
            copy.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
            copy.setSpec(t.getSpec());
            copy.setStatus(status);
            resources.updateStatus(copy);
        }
    }

    private static PxTokenSpec withSecretName(PxTokenSpec s, String name) {
        return s.secretName() != null ? s : new PxTokenSpec(s.name(), s.email(), s.sub(), s.roles(), s.groups(), s.duration(),
                s.renewBefore(), name, s.secretKey());
    }

    private void reconcileClusterToken(String name) {
        var watched = clusterTokens;
        if (watched == null) {
            throw new NotSynced();
        }
        ClusterPxToken c = watched.get(null, name);
        if (c == null || c.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        List<Condition> before = c.getStatus() == null ? null : c.getStatus().conditions();
        Long generation = c.getMetadata().getGeneration();
        ClusterPxTokenSpec spec = c.getSpec();
        String refused = !tenants ? "ClusterPxTokens are off: pxtoken.tenants.enabled is false (apply k8s/components/tenants)"
                : spec == null ? "spec is required"
                : LabelSelectors.empty(spec.namespaceSelector())
                        ? "spec.namespaceSelector must name at least one label: an empty selector would match every namespace"
                        : null;
        ClusterPxTokenStatus status;
        RuntimeException failure = null;
        if (refused != null) {
            status = new ClusterPxTokenStatus(List.of(condition(before, false, DeclaredSecretWriter.REFUSED, refused, generation)),
                    generation, 0, 0, List.of());
        } else {
            var nsWatch = namespaceWatch;
            if (nsWatch == null || !nsWatch.synced()) {
                throw new NotSynced();
            }
            List<String> matching = nsWatch.list().stream()
                    .filter(n -> n.getMetadata().getDeletionTimestamp() == null
                            && LabelSelectors.matches(spec.namespaceSelector(), n.getMetadata().getLabels()))
                    .map(n -> n.getMetadata().getName()).sorted().toList();
            OwnerReference owner = ownerOf(c);
            List<ClusterPxTokenStatus.Failing> failing = new ArrayList<>();
            List<Secret> kept = new ArrayList<>();
            Set<String> keep = new HashSet<>();
            int ready = 0;
            for (String ns : matching) {
                PxTokenSpec one = spec.forNamespace(ns, name);
                keep.add(ns + "/" + one.secretName());
                DeclaredSecretWriter.Outcome o;
                try {
                    o = writer.write(one, ns, owner, true);
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                    o = new DeclaredSecretWriter.Outcome(DeclaredSecretWriter.RENEWAL_FAILED, false,
                            "could not write the Secret (" + e.getMessage() + "); retried", null);
                }
                if (o.ready()) {
                    ready++;
                } else {
                    failing.add(new ClusterPxTokenStatus.Failing(ns, o.reason(), o.message()));
                }
                if (o.secret() != null) {
                    kept.add(o.secret());
                }
            }
            for (Secret s : secrets.listManagedLabelled(DeclaredSecretWriter.OWNER_UID, c.getMetadata().getUid())) {
                String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
                if (!keep.contains(key)) {
                    delete(c, s);
                }
            }
            String message = failing.isEmpty() ? ready + " namespace(s) hold a valid token"
                    : failing.size() + " of " + matching.size() + " namespace(s) without a valid token: "
                            + String.join(", ", failing.stream().map(f -> f.namespace() + " (" + f.reason() + ")").toList());
            status = new ClusterPxTokenStatus(List.of(condition(before, failing.isEmpty(),
                    failing.isEmpty() ? DeclaredSecretWriter.ISSUED : "NamespacesFailing", message, generation)),
                    generation, ready, failing.size(), failing.stream()
                            .sorted(Comparator.comparing(ClusterPxTokenStatus.Failing::namespace)).toList());
        }
        if (!Objects.equals(status, c.getStatus())) {
            ClusterPxToken copy = new ClusterPxToken();
            copy.setMetadata(new ObjectMetaBuilder().withName(name).build());
            copy.setSpec(c.getSpec());
            copy.setStatus(status);
            resources.updateStatus(copy);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Secrets a declaration owns under another name (its secretName changed) or in a namespace it no longer matches. */
    private void removeStale(HasMetadata owner, List<Secret> current, List<Secret> candidates) {
        Set<String> keep = new HashSet<>();
        current.forEach(s -> keep.add(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()));
        for (Secret s : candidates) {
            Map<String, String> labels = s.getMetadata().getLabels();
            if (labels != null && owner.getMetadata().getUid().equals(labels.get(DeclaredSecretWriter.OWNER_UID))
                    && !keep.contains(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())) {
                delete(owner, s);
            }
        }
    }

    private void delete(HasMetadata owner, Secret s) {
        OwnerReference controller = DeclaredSecretWriter.controllerOf(s);
        if (controller == null || !owner.getMetadata().getUid().equals(controller.getUid())) {
            return;
        }
        secrets.delete(s.getMetadata().getNamespace(), s.getMetadata().getName(), s.getMetadata().getResourceVersion());
        LOG.infof("%s %s: deleted Secret %s/%s, no longer declared", owner.getKind(), owner.getMetadata().getName(),
                s.getMetadata().getNamespace(), s.getMetadata().getName());
    }

    /** The Ready condition; its lastTransitionTime moves only when its status does. */
    private Condition condition(List<Condition> before, boolean ready, String reason, String message, Long generation) {
        String status = ready ? "True" : "False";
        Condition previous = before == null ? null
                : before.stream().filter(c -> READY.equals(c.getType())).findFirst().orElse(null);
        String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
                ? previous.getLastTransitionTime()
                : clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        return new ConditionBuilder().withType(READY).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
    }
}
