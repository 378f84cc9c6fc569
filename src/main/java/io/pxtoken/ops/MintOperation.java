package io.pxtoken.ops;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.auth.AuditRecord;
import io.pxtoken.auth.Caller;
import io.pxtoken.auth.CallerPolicy;
import io.pxtoken.kube.KubernetesConflictException;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretDeclaredException;
import io.pxtoken.kube.SecretNotManagedException;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.kube.TokenSecrets;
import io.pxtoken.kube.WrittenSecret;
import io.pxtoken.provenance.Provenance;
import io.pxtoken.renewal.RenewalSpec;
import io.pxtoken.token.CheckedRequest;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.UserClaims;

/**
 * Minting, decided once and in the order that leaves nothing half done: the request (400), the caller's rights
 * (403), the Secret target (403/503); then sign, then write the Secret before answering, so a failed write never
 * hands back a token as if it were stored. A Secret is written with its proof of provenance, and never into a Secret
 * that a PxToken or ClusterPxToken owns (409): the declaration keeps that one.
 */
@ApplicationScoped
public class MintOperation {

    /** A token and, when one was asked for, the Secret it was stored in. */
    public record Minted(IssuedToken token, WrittenSecret secret) {
    }

    private static final Logger LOG = Logger.getLogger(MintOperation.class);

    private final TokenIssuer issuer;
    private final CallerPolicy policy;
    private final SecretRules rules;
    private final TokenSecrets secrets;
    private final AuditRecord audit;
    private final Provenance provenance;

    public MintOperation(TokenIssuer issuer, CallerPolicy policy, SecretRules rules, TokenSecrets secrets, AuditRecord audit,
            Provenance provenance) {
        this.issuer = issuer;
        this.policy = policy;
        this.rules = rules;
        this.secrets = secrets;
        this.audit = audit;
        this.provenance = provenance;
    }

    /**
     * @param requested the claims as asked ({@code sub} is derived when empty)
     * @param duration the lifetime asked for, or null for the default
     * @param target the Secret to write, or null
     */
    public Minted mint(Caller caller, UserClaims requested, TokenDuration duration, SecretTarget target, RenewalSpec renewal) {
        // only checked claims reach the audit trail: a refused field may hold anything, a pasted token included
        CheckedRequest checked = issuer.check(requested, duration);
        renewal.check("secret.renewBefore", checked.lifetime());
        audit.requested(checked.claims(), checked.lifetime().text(), target);
        policy.mayMint(caller, checked.claims(), target);
        if (target != null) {
            rules.check(target);
            // no proof, no write: know before signing that the Secret can carry one
            provenance.ready();
        }
        IssuedToken token = issuer.issue(checked);
        audit.issued(token);
        return new Minted(token, target == null ? null : store(target, token, renewal.annotationsFor(token, checked.lifetime())));
    }

    /** Creates the Secret, or updates it if this service manages it; a concurrent change means read and decide again. */
    private WrittenSecret store(SecretTarget target, IssuedToken token, ManagedSecrets.Renewal renewal) {
        for (int attempt = 1; ; attempt++) {
            Optional<Secret> existing = secrets.read(target.namespace(), target.name());
            try {
                if (existing.isEmpty()) {
                    Secret created = secrets.create(provenance.seal(ManagedSecrets.fresh(target, token, renewal)));
                    LOG.infof("Created Secret %s key %s with token jti=%s", target, target.key(), token.jti());
                    return new WrittenSecret(target, "created", created.getMetadata().getResourceVersion());
                }
                if (!ManagedSecrets.managed(existing.get())) {
                    throw new SecretNotManagedException(target);
                }
                OwnerReference declaredBy = ManagedSecrets.declaredBy(existing.get());
                if (declaredBy != null) {
                    throw new SecretDeclaredException(target, declaredBy.getKind(), declaredBy.getName());
                }
                Secret updated = secrets.update(provenance.seal(ManagedSecrets.merged(existing.get(), target, token, renewal)));
                LOG.infof("Updated Secret %s key %s with token jti=%s", target, target.key(), token.jti());
                return new WrittenSecret(target, "updated", updated.getMetadata().getResourceVersion());
            } catch (KubernetesConflictException e) {
                Conflicts.backOff(attempt, target);
            }
        }
    }
}
