package io.pxtoken.declared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
import io.pxtoken.kube.Caches;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretCaches;
import io.pxtoken.leader.Controllers;
import io.pxtoken.leader.Key;
import io.pxtoken.leader.Reconciler;
import io.pxtoken.leader.Result;
import io.pxtoken.leader.WorkQueue;
import io.pxtoken.leader.WritePacing;
import io.pxtoken.kube.ResourceWatch;
import io.pxtoken.kube.TokenSecrets;
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
 * Reconciles PxTokens and ClusterPxTokens: a reconciler on the leader's runtime ({@link Controllers}, under the one
 * Lease). Caches of both kinds, of namespaces (tenants) and of the managed Secrets (shared with renewal) feed the
 * runtime's queue, whose workers take one resource at a time each. A reconcile reads from the caches only (the Secrets a
 * declaration owns through the index by owner uid, never a LIST) and recomputes everything from them, so a new leader
 * converges without memory of the old one. The caches keep a bounded size of each declaration
 * ({@link DeclaredCaches}): one whose spec is beyond the CRD's limits is {@code Ready=False, Refused}. A resource is
 * looked at again when it or one of its Secrets changes, when its token would expire, and when its renewal fails. Renewal and re-signing of the Secrets are the renewal engine's, as for any managed Secret; this controller
 * mints when a declaration is new or changed, and reports in {@code status}.
 *
 * <p>Its authority is the admission policy {@code pxtoken.declared.admission-policy}, which lets a user declare only
 * what they could mint over HTTP. The policy and its binding are watched: while they do not stand as shipped, every
 * declaration is {@code Ready=False, AdmissionPolicyMissing} with a Warning Event, the gauge
 * {@code pxtoken_declared_admission_policy_ready} is 0, and nothing is written; it clears by itself when they are back.
 */
@ApplicationScoped
@Unremovable // found through Instance<Reconciler> only
public class DeclaredTokenController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(DeclaredTokenController.class);
    private static final String READY = "Ready";
    static final String PX_TOKEN = "PxToken";
    static final String CLUSTER_PX_TOKEN = "ClusterPxToken";
    /** A ClusterPxToken is looked at again this often, so that its status follows the clock (expiry) without an event. */
    static final Duration RESYNC = Duration.ofMinutes(10);
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
    private final Controllers controllers;
    private final WritePacing pacing;
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

    private volatile WorkQueue queue;
    /**
     * What a PxToken's last reconcile found Issued: a digest of its spec (not the spec: one per declared token, held
     * beside the cache's), its generation and its Secret's resourceVersion.
     */
    private record Issued(SpecDigest spec, Long generation, String secretVersion) {
    }

    /** By PxToken uid: the declarations this leader found Issued, as they then were. */
    private final Map<String, Issued> issued = new java.util.concurrent.ConcurrentHashMap<>();
    /** The resourceVersion of each declared Secret as this leader last wrote or read it. */
    private final Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Caches.View<PxToken> pxTokens;
    private volatile Caches.View<ClusterPxToken> clusterTokens;
    private volatile Caches.View<Namespace> namespaceCache;
    private volatile Caches.View<Secret> secretCache;
    private volatile ResourceWatch.Watched<ValidatingAdmissionPolicy> policyWatch;
    private volatile ResourceWatch.Watched<ValidatingAdmissionPolicyBinding> bindingWatch;
    /** The gate's last verdict (null: open), to log and count each change once. */
    private volatile String gateSeen = "";

    public DeclaredTokenController(PxTokenConfig config, ResourceWatch resources, Controllers controllers, WritePacing pacing,
            TokenSecrets secrets,
            DeclaredSecretWriter writer, RenewalController renewal, RenewalScope scope, SecretRules rules, ResourceEvents events,
            MeterRegistry registry, Clock clock) {
        this.config = config;
        this.resources = resources;
        this.controllers = controllers;
        this.pacing = pacing;
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
        return queue != null && controllers.running(this);
    }

    @Override
    public Set<String> kinds() {
        return Set.of(PX_TOKEN, CLUSTER_PX_TOKEN);
    }

    @Override
    public void open(Setup setup) {
        LOG.infof("Declared tokens: reconciling PxTokens%s", tenants ? " and ClusterPxTokens" : " (ClusterPxTokens: pxtoken.tenants.enabled=false)");
        gateSeen = "";
        queue = setup.queue();
        try {
            // the gate first: a declaration is looked at only once it is known whether the policy stands
            policyWatch = resources.watchNamed(ValidatingAdmissionPolicy.class, policyName, p -> enqueueAll(), p -> enqueueAll());
            setup.onClose(policyWatch);
            bindingWatch = resources.watchNamed(ValidatingAdmissionPolicyBinding.class, policyName, b -> enqueueAll(),
                    b -> enqueueAll());
            setup.onClose(bindingWatch);
        } catch (RuntimeException e) {
            LOG.warnf("Declared tokens: could not watch the admission policy (%s)", e.getMessage());
        }
        if (tenants) {
            namespaceCache = setup.cache(Caches.Spec.of(Namespace.class).trim(DeclaredCaches.NAMESPACE),
                    Caches.Events.any(this::enqueueClusterTokens));
        }
        secretCache = setup.cache(SecretCaches.managed(tenants ? null : namespaces, DeclaredSecretWriter.OWNER_UID),
                new Caches.Events<>() {
                    @Override
                    public void changed(Secret s) {
                        secretChanged(s);
                    }

                    @Override
                    public void removed(Secret s) {
                        // a deleted Secret is written again, whatever version this leader saw last
                        seen.remove(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName());
                        secretChanged(s);
                    }
                });
        // no index by uid: a Secret names its declaration in its controller reference (an index costs a set per token)
        pxTokens = setup.cache(Caches.Spec.of(PxToken.class).trim(DeclaredCaches.PX_TOKEN), declarations(PX_TOKEN));
        clusterTokens = setup.cache(Caches.Spec.of(ClusterPxToken.class).trim(DeclaredCaches.CLUSTER_PX_TOKEN),
                declarations(CLUSTER_PX_TOKEN));
    }

    /** What the cache holds of a PxToken (null when not leading or not there): for tests. */
    PxToken cached(String namespace, String name) {
        var px = pxTokens;
        return px == null ? null : px.get(namespace, name);
    }

    private <T extends HasMetadata> Caches.Events<T> declarations(String kind) {
        return new Caches.Events<>() {
            @Override
            public void changed(T t) {
                scope.declare(t.getMetadata().getUid());
                enqueue(key(kind, t));
            }

            @Override
            public void updated(T before, T after) {
                // a change of status alone (this controller's own write) or of metadata the cache does not keep: nothing
                // to do; a change of spec, generation or deletion is
                if (!Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
                        || !Objects.equals(spec(before), spec(after))
                        || !Objects.equals(before.getMetadata().getDeletionTimestamp(), after.getMetadata().getDeletionTimestamp())
                        || !Objects.equals(DeclaredCaches.outOfBounds(before), DeclaredCaches.outOfBounds(after))) {
                    changed(after);
                }
            }

            @Override
            public void removed(T t) {
                DeclaredTokenController.this.removed(t);
            }
        };
    }

    private static Object spec(HasMetadata t) {
        return t instanceof PxToken p ? p.getSpec() : t instanceof ClusterPxToken c ? c.getSpec() : null;
    }

    /** A Secret this controller wrote or read, as it then was: its own echo through the cache needs no reconcile. */
    private void saw(Secret s) {
        if (s != null && s.getMetadata().getResourceVersion() != null) {
            seen.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s.getMetadata().getResourceVersion());
        }
    }

    @Override
    public void closed() {
        queue = null;
        seen.clear();
        issued.clear();
        pxTokens = null;
        clusterTokens = null;
        namespaceCache = null;
        secretCache = null;
        policyWatch = null;
        bindingWatch = null;
        gateOpen.set(Double.NaN);
        scope.forgetAll();
    }

    private static Key key(String kind, HasMetadata t) {
        return kind.equals(PX_TOKEN) ? new Key(PX_TOKEN, t.getMetadata().getNamespace(), t.getMetadata().getName())
                : Key.cluster(CLUSTER_PX_TOKEN, t.getMetadata().getName());
    }

    private void removed(HasMetadata t) {
        // the garbage collector deletes the Secrets through their owner references
        issued.remove(t.getMetadata().getUid());
        scope.forget(t.getMetadata().getUid());
    }

    /** The gate changed: every declaration is looked at again. */
    private void enqueueAll() {
        var px = pxTokens;
        if (px != null) {
            px.list().forEach(t -> enqueue(key(PX_TOKEN, t)));
        }
        var cluster = clusterTokens;
        if (cluster != null) {
            cluster.list().forEach(c -> enqueue(key(CLUSTER_PX_TOKEN, c)));
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
        String where = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
        if (s.getMetadata().getResourceVersion() != null && s.getMetadata().getResourceVersion().equals(seen.get(where))) {
            return;
        }
        Map<String, String> labels = s.getMetadata().getLabels();
        // a managed Secret minted over HTTP has no owner: nothing declared it
        String owner = labels == null ? null : labels.get(DeclaredSecretWriter.OWNER_UID);
        var px = pxTokens;
        var cluster = clusterTokens;
        if (owner == null || px == null || cluster == null) {
            return;
        }
        // the declaration the Secret names as its controller, if it is the one of the label (one lookup, no index);
        // else (an owner reference removed or changed by hand) the declaration of that uid, looked for among all
        OwnerReference controller = DeclaredSecretWriter.controllerOf(s);
        if (controller != null && owner.equals(controller.getUid())) {
            HasMetadata named = PX_TOKEN.equals(controller.getKind()) ? px.get(s.getMetadata().getNamespace(), controller.getName())
                    : CLUSTER_PX_TOKEN.equals(controller.getKind()) ? cluster.get(null, controller.getName()) : null;
            if (named != null && owner.equals(named.getMetadata().getUid())) {
                enqueue(key(controller.getKind(), named));
            }
            // not there: that declaration is gone (its Secrets are being collected) or not cached yet; a uid names one
            // object, so a search among all would find nothing more, and would cost one pass over every declaration per
            // Secret of a deleted declaration
            return;
        }
        px.list().stream().filter(t -> owner.equals(t.getMetadata().getUid())).forEach(t -> enqueue(key(PX_TOKEN, t)));
        cluster.list().stream().filter(c -> owner.equals(c.getMetadata().getUid())).forEach(c -> enqueue(key(CLUSTER_PX_TOKEN, c)));
    }

    private void enqueueClusterTokens() {
        var watched = clusterTokens;
        if (watched != null) {
            watched.list().forEach(c -> enqueue(key(CLUSTER_PX_TOKEN, c)));
        }
    }

    private void enqueue(Key key) {
        WorkQueue q = queue;
        if (q != null) {
            q.add(key);
        }
    }

    @Override
    public Result reconcile(Key key) {
        try {
            return key.kind().equals(PX_TOKEN) ? reconcilePxToken(key.namespace(), key.name())
                    : reconcileClusterToken(key.name());
        } catch (NotSynced e) {
            return Result.after(NOT_SYNCED);
        } catch (KubernetesConflictException e) {
            return Result.after(CONFLICT);
        }
    }

    /**
     * Whether the PxToken is as this leader last found it Issued, and wrote so in its status: the same spec and
     * generation, its Secret at the same version (the cache's), no renewal failing, not expired. Then nothing is read or written: the result is
     * when to look again; else null, and the reconcile reads the Secret. A new leader reads each Secret once (the proof
     * of provenance is over its token, which no cache holds).
     */
    private Result unchanged(PxToken t, Caches.View<Secret> owned) {
        Issued last = issued.get(t.getMetadata().getUid());
        if (last == null || t.getSpec() == null || !last.spec().equals(SpecDigest.of(t.getSpec()))) {
            return null;
        }
        String secretName = withSecretName(t.getSpec(), t.getMetadata().getName()).secretName();
        Secret cached = owned.get(t.getMetadata().getNamespace(), secretName);
        Instant expires = cached == null ? null : ManagedSecrets.instantAnnotation(cached, ManagedSecrets.EXPIRES_AT);
        boolean same = cached != null && last.secretVersion() != null
                && last.secretVersion().equals(cached.getMetadata().getResourceVersion())
                && Objects.equals(last.generation(), t.getMetadata().getGeneration())
                && renewal.failure(t.getMetadata().getNamespace(), secretName) == null
                && expires != null && expires.isAfter(clock.instant());
        return same ? lookAgain(cached) : null;
    }

    /** When a PxToken's status would change with no event: when its token expires (a failing renewal says so itself). */
    private Result lookAgain(Secret s) {
        Instant expires = s == null ? null : ManagedSecrets.instantAnnotation(s, ManagedSecrets.EXPIRES_AT);
        Instant now = clock.instant();
        return expires == null || !expires.isAfter(now) ? Result.done()
                : Result.after(Duration.between(now, expires).plusSeconds(1));
    }

    private static OwnerReference ownerOf(HasMetadata t) {
        return new OwnerReferenceBuilder().withApiVersion(t.getApiVersion()).withKind(t.getKind())
                .withName(t.getMetadata().getName()).withUid(t.getMetadata().getUid()).withController(true).build();
    }

    private Result reconcilePxToken(String namespace, String name) {
        var watched = pxTokens;
        var owned = secretCache;
        if (watched == null || owned == null) {
            throw new NotSynced();
        }
        PxToken t = watched.get(namespace, name);
        if (t == null || t.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        PxTokenSpec spec = t.getSpec();
        DeclaredSecretWriter.Outcome o;
        String closed = gateClosed();
        Result unchanged = closed == null ? unchanged(t, owned) : null;
        if (unchanged != null) {
            return unchanged;
        }
        if (closed != null) {
            o = new DeclaredSecretWriter.Outcome(AdmissionGate.MISSING, false, closed, null);
            if (!alreadySays(t.getStatus() == null ? null : t.getStatus().conditions(), AdmissionGate.MISSING)) {
                events.warning(t, AdmissionGate.MISSING, closed);
            }
        } else if (spec == null) {
            String beyond = DeclaredCaches.outOfBounds(t);
            o = new DeclaredSecretWriter.Outcome(DeclaredSecretWriter.REFUSED, false,
                    beyond != null ? beyond + " (the CRD's limit)" : "spec is required", null);
        } else {
            spec = withSecretName(spec, name);
            o = writer.write(spec, namespace, ownerOf(t), false, owned.get(namespace, spec.secretName()) != null);
            if (o.secret() != null) {
                saw(o.secret());
                renewal.follow(o.secret());
                removeStale(t, List.of(o.secret()), owned.byIndex(DeclaredSecretWriter.OWNER_UID, t.getMetadata().getUid()));
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
            copy.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
                    .withResourceVersion(t.getMetadata().getResourceVersion()).build());
            copy.setSpec(t.getSpec());
            copy.setStatus(status);
            pacing.pace();
            resources.replaceStatus(copy);
        }
        // recorded once the status says so: a reconcile that failed before is never taken for done
        if (s != null && o.ready() && DeclaredSecretWriter.ISSUED.equals(o.reason())) {
            issued.put(t.getMetadata().getUid(), new Issued(SpecDigest.of(t.getSpec()), t.getMetadata().getGeneration(),
                    s.getMetadata().getResourceVersion()));
        } else {
            issued.remove(t.getMetadata().getUid());
        }
        return lookAgain(s);
    }

    private static PxTokenSpec withSecretName(PxTokenSpec s, String name) {
        return s.secretName() != null ? s : new PxTokenSpec(s.name(), s.email(), s.sub(), s.roles(), s.groups(), s.duration(),
                s.renewBefore(), name, s.secretKey());
    }

    private Result reconcileClusterToken(String name) {
        var watched = clusterTokens;
        var owned = secretCache;
        if (watched == null || owned == null) {
            throw new NotSynced();
        }
        ClusterPxToken c = watched.get(null, name);
        if (c == null || c.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        List<Condition> before = c.getStatus() == null ? null : c.getStatus().conditions();
        Long generation = c.getMetadata().getGeneration();
        ClusterPxTokenSpec spec = c.getSpec();
        String closed = tenants ? gateClosed() : null;
        String refused = !tenants ? "ClusterPxTokens are off: pxtoken.tenants.enabled is false (apply k8s/components/tenants)"
                : closed != null ? closed
                : spec == null ? (DeclaredCaches.outOfBounds(c) != null ? DeclaredCaches.outOfBounds(c) + " (the CRD's limit)"
                        : "spec is required")
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
            var nsWatch = namespaceCache;
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
                    o = writer.write(one, ns, owner, true, owned.get(ns, one.secretName()) != null);
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
                    saw(o.secret());
                    renewal.follow(o.secret());
                    kept.add(o.secret());
                }
            }
            for (Secret s : owned.byIndex(DeclaredSecretWriter.OWNER_UID, c.getMetadata().getUid())) {
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
            pacing.pace();
            resources.updateStatus(copy);
        }
        if (failure != null) {
            throw failure;
        }
        return Result.after(RESYNC);
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
        pacing.pace();
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
