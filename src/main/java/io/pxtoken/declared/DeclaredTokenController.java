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
import io.pxtoken.renewal.RenewalScope;
import io.pxtoken.ops.SecretRules;
import io.pxtoken.kube.ResourceEvents;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import java.util.concurrent.atomic.AtomicReference;
import io.quarkus.arc.Unremovable;

/**
 * Reconciles PxTokens and ClusterPxTokens on the leader: informers on both kinds, on namespaces (tenants) and on the
 * managed Secrets feed one queue, worked by one thread, one resource at a time. Everything is recomputed from the
 * cluster on each pass (the resource, its Secrets' annotations), so a new leader converges without memory of the old
 * one. Renewal and re-signing of the Secrets are the renewal engine's, as for any managed Secret; this controller
 * mints when a declaration is new or changed, and reports in {@code status}.
 *
 * <p>Its authority is the admission policy {@code pxtoken.declared.admission-policy}, which lets a user declare only
 * what they could mint over HTTP. The policy and its binding are watched: while they do not stand as shipped, every
 * declaration is {@code Ready=False, AdmissionPolicyMissing} with a Warning Event, the gauge
 * {@code pxtoken_declared_admission_policy_ready} is 0, and nothing is written; it clears by itself when they are back.
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
    private final RenewalScope scope;
    private final SecretRules rules;
    private final ResourceEvents events;
    private final Clock clock;
    private final List<String> namespaces;
    private final boolean tenants;
    private final String policyName;
    /** 1 while the admission policy stands as shipped, 0 while it does not; NaN when this replica does not lead. */
    private final AtomicReference<Double> gateOpen = new AtomicReference<>(Double.NaN);

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
    private volatile ResourceWatch.Watched<ValidatingAdmissionPolicy> policyWatch;
    private volatile ResourceWatch.Watched<ValidatingAdmissionPolicyBinding> bindingWatch;
    /** The gate's last verdict (null: open), to log and count each change once. */
    private volatile String gateSeen = "";

    public DeclaredTokenController(PxTokenConfig config, ResourceWatch resources, SecretWatch secretWatch, TokenSecrets secrets,
            DeclaredSecretWriter writer, RenewalController renewal, RenewalScope scope, SecretRules rules, ResourceEvents events,
            MeterRegistry registry, Clock clock) {
        this.config = config;
        this.resources = resources;
        this.secretWatch = secretWatch;
        this.secrets = secrets;
        this.writer = writer;
        this.renewal = renewal;
        this.scope = scope;
        this.rules = rules;
        this.events = events;
        this.clock = clock;
        this.namespaces = config.secrets().namespaces().orElse(List.of());
        this.tenants = config.tenants().enabled();
        this.policyName = config.declared().admissionPolicy();
        Gauge.builder("pxtoken_declared_admission_policy_ready", gateOpen, AtomicReference::get)
                .description("1 while the admission policy that declared tokens rely on stands as shipped, 0 while it does not "
                        + "(no declared token is written then); absent value (NaN) on a replica that does not lead")
                .register(registry);
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
        gateSeen = "";
        queue = Executors.newSingleThreadScheduledExecutor(LeaderWork.threads("declared-tokens"));
        try {
            // the gate first: a declaration is looked at only once it is known whether the policy stands
            policyWatch = resources.watchNamed(ValidatingAdmissionPolicy.class, policyName, p -> enqueueAll(), p -> enqueueAll());
            bindingWatch = resources.watchNamed(ValidatingAdmissionPolicyBinding.class, policyName, b -> enqueueAll(),
                    b -> enqueueAll());
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
        for (AutoCloseable c : new AutoCloseable[] {pxTokens, clusterTokens, namespaceWatch, secretInformers, policyWatch,
                bindingWatch}) {
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
        policyWatch = null;
        bindingWatch = null;
        gateOpen.set(Double.NaN);
        scope.forgetAll();
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
        scope.declare(t.getMetadata().getUid());
        enqueue(key);
    }

    private void removed(HasMetadata t) {
        // the garbage collector deletes the Secrets through their owner references
        owners.remove(t.getMetadata().getUid());
        scope.forget(t.getMetadata().getUid());
    }

    /** The gate changed: every declaration is looked at again. */
    private void enqueueAll() {
        var px = pxTokens;
        if (px != null) {
            px.list().forEach(t -> enqueue(pxTokenKey(t)));
        }
        var cluster = clusterTokens;
        if (cluster != null) {
            cluster.list().forEach(c -> enqueue(clusterKey(c)));
        }
    }

    /**
     * Why no declared token may be written now (the admission policy is not as shipped), or null when the gate stands.
     *
     * @throws NotSynced while the policy's informers have not listed yet
     */
    private String gateClosed() {
        var p = policyWatch;
        var b = bindingWatch;
        if (p == null || b == null) {
            throw new NotSynced();
        }
        String failure = p.failure() != null ? p.failure() : b.failure();
        String why;
        if (failure != null) {
            why = "the admission policy " + policyName + " cannot be read (" + failure + "): grant the service account get, list "
                    + "and watch on validatingadmissionpolicies and validatingadmissionpolicybindings (k8s/declared-rbac.yaml); "
                    + "Kubernetes 1.30+ is needed; until then no declared token is written";
        } else {
            if (!p.synced() || !b.synced()) {
                throw new NotSynced();
            }
            why = AdmissionGate.missing(policyName, p.get(null, policyName), b.get(null, policyName));
        }
        if (!java.util.Objects.equals(why, gateSeen)) {
            gateSeen = why;
            gateOpen.set(why == null ? 1.0 : 0.0);
            if (why == null) {
                LOG.infof("Declared tokens: the admission policy %s stands; reconciling", policyName);
            } else {
                LOG.warnf("Declared tokens: nothing is written: %s", why);
            }
        }
        return why;
    }

    /** Whether the resource's Ready condition already says this reason (so its Event was recorded). */
    private static boolean alreadySays(List<Condition> conditions, String reason) {
        return conditions != null && conditions.stream().anyMatch(c -> READY.equals(c.getType()) && reason.equals(c.getReason()));
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
        String closed = gateClosed();
        if (closed != null) {
            o = new DeclaredSecretWriter.Outcome(AdmissionGate.MISSING, false, closed, null);
            if (!alreadySays(t.getStatus() == null ? null : t.getStatus().conditions(), AdmissionGate.MISSING)) {
                events.warning(t, AdmissionGate.MISSING, closed);
            }
        } else if (spec == null) {
            o = new DeclaredSecretWriter.Outcome(DeclaredSecretWriter.REFUSED, false, "spec is required", null);
        } else {
            spec = withSecretName(spec, name);
            o = writer.write(spec, namespace, ownerOf(t), false);
            if (o.secret() != null) {
                renewal.follow(o.secret());
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
        String closed = tenants ? gateClosed() : null;
        String refused = !tenants ? "ClusterPxTokens are off: pxtoken.tenants.enabled is false (apply k8s/components/tenants)"
                : closed != null ? closed
                : spec == null ? "spec is required"
                : LabelSelectors.matchesEverything(spec.namespaceSelector())
                        ? "spec.namespaceSelector must require a label (matchLabels, In, or Exists on a label other than "
                                + LabelSelectors.NAME_LABEL + "): this one would match every namespace"
                        : null;
        ClusterPxTokenStatus status;
        RuntimeException failure = null;
        if (refused != null) {
            String reason = closed != null ? AdmissionGate.MISSING : DeclaredSecretWriter.REFUSED;
            if (closed != null && !alreadySays(before, AdmissionGate.MISSING)) {
                events.warning(c, AdmissionGate.MISSING, closed);
            }
            status = new ClusterPxTokenStatus(List.of(condition(before, false, reason, refused, generation)),
                    generation, 0, 0, List.of());
        } else {
            var nsWatch = namespaceWatch;
            if (nsWatch == null || !nsWatch.synced()) {
                throw new NotSynced();
            }
            List<String> matching = nsWatch.list().stream()
                    .filter(n -> n.getMetadata().getDeletionTimestamp() == null
                            && !rules.excludedFromTenants(n.getMetadata().getName())
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
                    renewal.follow(o.secret());
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
