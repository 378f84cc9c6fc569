package io.pxtoken.declared;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pxtoken.auth.CallerPolicy;
import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.KubernetesConflictException;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretRefusedException;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.kube.TokenSecrets;
import io.pxtoken.leader.WritePacing;
import io.pxtoken.ops.SecretRules;
import io.pxtoken.provenance.Provenance;
import io.pxtoken.renewal.ManagedAlgorithm;
import io.pxtoken.renewal.RenewalController;
import io.pxtoken.renewal.RenewalScope;
import io.pxtoken.renewal.RenewalSpec;
import io.pxtoken.token.CheckedRequest;
import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.TokenException;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.UserClaims;
import io.pxtoken.token.Violation;

/**
 * Brings the Secret of one declaration (a PxToken, or one namespace of a ClusterPxToken) in line with it: checked by
 * the same rules as {@code POST /v1/tokens}, minted when the Secret is missing or says something else than the
 * declaration, left alone when it already agrees and carries a valid proof of provenance (renewal keeps it fresh), never
 * written when it is not its own: a Secret minted over HTTP or owned by another declaration is a {@code SecretConflict}.
 * The Secret carries an owner reference to the declaring resource, so deleting that deletes the Secret. Roles beyond
 * {@code pxtoken.declared.roles} are refused, whatever the admission policy let through.
 */
@ApplicationScoped
public class DeclaredSecretWriter {

    /** Label on a declared Secret: the uid of the resource that declares it. */
    public static final String OWNER_UID = RenewalScope.OWNER_UID;

    public static final String ISSUED = "Issued";
    public static final String RENEWING = "Renewing";
    public static final String RENEWAL_FAILED = "RenewalFailed";
    public static final String REFUSED = "Refused";
    public static final String SECRET_CONFLICT = "SecretConflict";

    /**
     * How the declaration stands.
     *
     * @param reason one of the reasons above
     * @param ready whether the Secret holds a valid token of this declaration
     * @param message why, for people; never a token
     * @param secret the Secret as last written or read, or null when refused or in conflict
     */
    public record Outcome(String reason, boolean ready, String message, Secret secret) {
    }

    private static final Logger LOG = Logger.getLogger(DeclaredSecretWriter.class);

    private final TokenIssuer issuer;
    private final SecretRules rules;
    private final TokenSecrets secrets;
    private final ManagedAlgorithm managed;
    private final Provenance provenance;
    private final RenewalController renewal;
    private final Clock clock;
    /** Every Secret write is paced as the leader's other writes are (until now only the status write was). */
    private final WritePacing pacing;
    /** pxtoken.declared.roles, or every allowed role but system.admin. */
    private final List<String> declarableRoles;

    public DeclaredSecretWriter(PxTokenConfig config, TokenIssuer issuer, SecretRules rules, TokenSecrets secrets,
            ManagedAlgorithm managed, Provenance provenance, RenewalController renewal, WritePacing pacing, Clock clock) {
        this.issuer = issuer;
        this.pacing = pacing;
        this.rules = rules;
        this.secrets = secrets;
        this.managed = managed;
        this.provenance = provenance;
        this.renewal = renewal;
        this.clock = clock;
        this.declarableRoles = declarableRoles(config);
    }

    static List<String> declarableRoles(PxTokenConfig config) {
        return config.declared().roles().orElseGet(() -> config.roles().allowed().stream()
                .filter(r -> !CallerPolicy.ADMIN_ROLE.equals(r)).toList());
    }

    /**
     * @param spec the declaration, {@code secretName} filled in
     * @param owner the declaring resource, as an owner reference
     * @param tenant true for a ClusterPxToken's namespace (not limited to {@code pxtoken.secrets.namespaces})
     * @param cached whether the leader's cache of managed Secrets holds one of that name: then the Secret is read first (its
     *        token's proof is checked, and it is left alone when it agrees); else it is created first and read only when
     *        the API answers that one exists (409), so a new declaration costs one request, not two. Either way an
     *        existing Secret is judged on what the API returned, never on the cache: a hint that is wrong costs a request,
     *        never a takeover.
     * @throws io.pxtoken.kube.KubernetesUnavailableException when the API cannot be reached (retry)
     * @throws io.pxtoken.kube.KubernetesConflictException when the Secret changed while it was written (retry)
     */
    public Outcome write(PxTokenSpec spec, String namespace, OwnerReference owner, boolean tenant, boolean cached) {
        SecretTarget target;
        CheckedRequest checked;
        RenewalSpec renewal;
        try {
            target = SecretTarget.of("spec.secret", namespace, spec.secretName(), spec.secretKey());
            TokenDuration duration = spec.duration() == null ? null : TokenDuration.parse("spec.duration", spec.duration());
            TokenDuration before = spec.renewBefore() == null ? null : TokenDuration.parse("spec.renewBefore", spec.renewBefore());
            if (spec.roles() == null || spec.roles().isEmpty()) {
                throw new InvalidClaimsException(List.of(new Violation("spec.roles", "at least one role is required")));
            }
            List<String> beyond = spec.roles().stream().filter(r -> !declarableRoles.contains(r)).toList();
            if (!beyond.isEmpty()) {
                throw new InvalidClaimsException(List.of(new Violation("spec.roles", "role(s) " + beyond
                        + " may not be declared: pxtoken.declared.roles allows " + declarableRoles
                        + " (an admin token is minted by an authenticated caller with POST /v1/tokens)")));
            }
            checked = issuer.check(new UserClaims(spec.name(), spec.email(), spec.sub(), spec.roles(), spec.groups()), duration);
            renewal = new RenewalSpec(true, before);
            renewal.check("spec.renewBefore", checked.lifetime());
            if (tenant) {
                rules.checkTenant(target);
            } else {
                rules.check(target);
            }
        } catch (TokenException | SecretRefusedException e) {
            return new Outcome(REFUSED, false, e.getMessage(), null);
        }

        if (!cached) {
            Optional<Secret> created = create(target, checked, renewal, owner);
            if (created.isPresent()) {
                return describe(created.get());
            }
            // a Secret of that name exists (foreign, minted over HTTP, another's, or ours not cached yet): nothing was
            // written; the token minted for the create is dropped, and the Secret is judged as below
        }
        Optional<Secret> existing = secrets.read(target.namespace(), target.name());
        if (existing.isEmpty()) {
            if (!cached) {
                throw new KubernetesConflictException("Secret " + target + " was deleted between the create and the read");
            }
            return create(target, checked, renewal, owner)
                    .map(this::describe)
                    .orElseThrow(() -> new KubernetesConflictException("Secret " + target + " was created while this service was writing it"));
        }
        Secret s = existing.get();
        if (!ManagedSecrets.managed(s)) {
            return new Outcome(SECRET_CONFLICT, false, "Secret " + target + " exists and is not managed by px-token-service;"
                    + " it is left untouched: delete it, or name another Secret in spec.secretName", null);
        }
        OwnerReference controller = controllerOf(s);
        if (controller == null || !controller.getUid().equals(owner.getUid())) {
            // a declaration writes only the Secret it created: never one minted over HTTP (a StorageClass's), never another's
            return new Outcome(SECRET_CONFLICT, false, "Secret " + target + (controller == null
                    ? " holds a token minted over HTTP (POST /v1/tokens)"
                    : " belongs to " + controller.getKind() + " " + controller.getName())
                    + "; it is left untouched: name another Secret in spec.secretName", null);
        }
        if (agrees(s, target, checked, renewal) && provenance.check(s) == Provenance.Status.PROVEN) {
            return describe(s);
        }
        pacing.pace();
        IssuedToken token = issuer.issue(checked);
        Secret updated = secrets.update(provenance.seal(owned(ManagedSecrets.merged(s, target, token,
                renewal.annotationsFor(token, checked.lifetime())), owner)));
        LOG.infof("%s %s: minted jti=%s into Secret %s (declaration changed, or the Secret was not as written)",
                owner.getKind(), owner.getName(), token.jti(), target);
        return describe(updated);
    }

    /** Creates the Secret with a new token; empty (nothing written) when one of its name exists. */
    private Optional<Secret> create(SecretTarget target, CheckedRequest checked, RenewalSpec renewal, OwnerReference owner) {
        pacing.pace();
        IssuedToken token = issuer.issue(checked);
        Optional<Secret> created = secrets.createIfAbsent(provenance.seal(owned(ManagedSecrets.fresh(target, token,
                renewal.annotationsFor(token, checked.lifetime())), owner)));
        created.ifPresent(c -> LOG.infof("%s %s: minted jti=%s into new Secret %s", owner.getKind(), owner.getName(),
                token.jti(), target));
        return created;
    }

    /** The Secret's controller, or null. */
    public static OwnerReference controllerOf(Secret s) {
        List<OwnerReference> refs = s.getMetadata().getOwnerReferences();
        return refs == null ? null : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
    }

    /** Whether the Secret holds a token of exactly this declaration (what renewal mints again from). */
    private boolean agrees(Secret s, SecretTarget target, CheckedRequest checked, RenewalSpec renewal) {
        UserClaims c = checked.claims();
        return ManagedSecrets.token(s) != null
                && Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.DATA_KEY), target.key())
                && Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.ISSUER), issuer.issuer())
                && Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.SUBJECT), c.sub())
                && Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.NAME), c.name())
                && Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.EMAIL), c.email() == null ? "" : c.email())
                && Objects.equals(ManagedSecrets.listAnnotation(s, ManagedSecrets.ROLES), c.roles())
                && Objects.equals(ManagedSecrets.listAnnotation(s, ManagedSecrets.GROUPS), c.groups())
                && Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.DURATION), checked.lifetime().text())
                && Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.RENEW_BEFORE),
                        renewal.renewBefore() == null ? null : renewal.renewBefore().text())
                && !"false".equals(ManagedSecrets.annotation(s, ManagedSecrets.RENEW));
    }

    private static Secret owned(Secret s, OwnerReference owner) {
        List<OwnerReference> refs = new ArrayList<>();
        if (s.getMetadata().getOwnerReferences() != null) {
            s.getMetadata().getOwnerReferences().stream()
                    .filter(r -> !r.getUid().equals(owner.getUid()) && !Boolean.TRUE.equals(r.getController()))
                    .forEach(refs::add);
        }
        refs.add(owner);
        return new SecretBuilder(s).editMetadata().withOwnerReferences(refs)
                .addToLabels(Map.of(OWNER_UID, owner.getUid())).endMetadata().build();
    }

    /** What a Secret of this declaration says now: issued, being renewed, or failing to renew. */
    Outcome describe(Secret s) {
        Instant now = clock.instant();
        String where = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
        Instant expires = ManagedSecrets.instantAnnotation(s, ManagedSecrets.EXPIRES_AT);
        boolean valid = expires != null && now.isBefore(expires);
        String error = renewal.failure(s.getMetadata().getNamespace(), s.getMetadata().getName());
        if (!valid) {
            return new Outcome(RENEWAL_FAILED, false, "the token in Secret " + where + " expired at " + expires
                    + (error == null ? "" : "; the last renewal failed: " + error), s);
        }
        if (error != null) {
            return new Outcome(RENEWAL_FAILED, true, "the last renewal failed (" + error + "); the token in Secret " + where
                    + " is valid until " + expires + " and renewal is retried", s);
        }
        Instant renewal = ManagedSecrets.instantAnnotation(s, ManagedSecrets.RENEWAL_TIME);
        String current = managed.fingerprint();
        if (ManagedAlgorithm.needsResigning(ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT), current)) {
            return new Outcome(RENEWING, true, "the shared secret changed; the token in Secret " + where
                    + " is being re-signed with the new key", s);
        }
        if (renewal != null && !now.isBefore(renewal)) {
            return new Outcome(RENEWING, true, "the token in Secret " + where + " is being renewed; valid until " + expires, s);
        }
        return new Outcome(ISSUED, true, "token in Secret " + where + ", valid until " + expires, s);
    }
}
