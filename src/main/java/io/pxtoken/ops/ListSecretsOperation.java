package io.pxtoken.ops;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.auth.AuditRecord;
import io.pxtoken.auth.Caller;
import io.pxtoken.auth.CallerPolicy;
import io.pxtoken.kube.ManagedSecret;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.TokenSecrets;
import io.pxtoken.provenance.Provenance;

/** Listing managed token Secrets: the namespaces asked (403 outside the allowed ones), the caller's rights, then read. */
@ApplicationScoped
public class ListSecretsOperation {

    private final CallerPolicy policy;
    private final SecretRules rules;
    private final TokenSecrets secrets;
    private final AuditRecord audit;
    private final Provenance provenance;

    public ListSecretsOperation(CallerPolicy policy, SecretRules rules, TokenSecrets secrets, AuditRecord audit,
            Provenance provenance) {
        this.policy = policy;
        this.rules = rules;
        this.secrets = secrets;
        this.audit = audit;
        this.provenance = provenance;
    }

    /** @param namespace one namespace, or null for every allowed one */
    public List<ManagedSecret> list(Caller caller, String namespace) {
        audit.secret(namespace, null);
        List<String> where = rules.namespacesToList(namespace);
        policy.mayList(caller, where);
        List<ManagedSecret> found = new ArrayList<>();
        for (String ns : where) {
            for (Secret s : secrets.listManaged(ns)) {
                found.add(ManagedSecrets.describe(s, provenance.check(s) == Provenance.Status.PROVEN));
            }
        }
        return found;
    }
}
