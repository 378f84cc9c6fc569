package io.pxtoken.ops;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.auth.AuditRecord;
import io.pxtoken.auth.Caller;
import io.pxtoken.auth.CallerPolicy;
import io.pxtoken.kube.KubernetesConflictException;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretNotFoundException;
import io.pxtoken.kube.SecretNotManagedException;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.kube.TokenSecrets;

/**
 * Deleting a managed token Secret: the name (400), the caller's rights (403), the target (403); then read it and
 * delete exactly the version read, so a Secret swapped in between is never deleted.
 */
@ApplicationScoped
public class DeleteSecretOperation {

    private static final Logger LOG = Logger.getLogger(DeleteSecretOperation.class);

    private final CallerPolicy policy;
    private final SecretRules rules;
    private final TokenSecrets secrets;
    private final AuditRecord audit;

    public DeleteSecretOperation(CallerPolicy policy, SecretRules rules, TokenSecrets secrets, AuditRecord audit) {
        this.policy = policy;
        this.rules = rules;
        this.secrets = secrets;
        this.audit = audit;
    }

    public void delete(Caller caller, String namespace, String name) {
        audit.secret(namespace, name);
        SecretTarget target = SecretTarget.of("secret", namespace, name, null);
        policy.mayDelete(caller, target.namespace(), target.name());
        rules.checkDeletable(target);
        for (int attempt = 1; ; attempt++) {
            Optional<Secret> existing = secrets.read(namespace, name);
            if (existing.isEmpty()) {
                throw new SecretNotFoundException("No Secret " + target);
            }
            if (!ManagedSecrets.managed(existing.get())) {
                throw new SecretNotManagedException(target);
            }
            try {
                if (!secrets.delete(namespace, name, existing.get().getMetadata().getResourceVersion())) {
                    throw new SecretNotFoundException("No Secret " + target);
                }
                LOG.infof("Deleted Secret %s (token jti=%s)", target, ManagedSecrets.annotation(existing.get(), ManagedSecrets.JTI));
                return;
            } catch (KubernetesConflictException e) {
                Conflicts.backOff(attempt, target);
            }
        }
    }
}
