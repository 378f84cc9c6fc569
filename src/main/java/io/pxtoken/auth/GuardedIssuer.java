package io.pxtoken.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.kube.SecretTarget;
import io.pxtoken.kube.TokenSecretWriter;
import io.pxtoken.kube.WrittenSecret;
import io.pxtoken.token.CheckedRequest;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.UserClaims;

/**
 * Minting on behalf of the current caller, in the order that leaves nothing half done: check the request (400),
 * the caller's rights (403) and the Secret target (403/503) before signing; write the Secret before answering, so
 * a failed write never hands back a token as if it were stored. Every step lands in the audit record.
 */
@ApplicationScoped
public class GuardedIssuer {

    /** A token and, when one was asked for, the Secret it was stored in. */
    public record Minted(IssuedToken token, WrittenSecret secret) {
    }

    private final TokenIssuer issuer;
    private final CallerPolicy policy;
    private final TokenSecretWriter secrets;
    private final AuditRecord audit;

    public GuardedIssuer(TokenIssuer issuer, CallerPolicy policy, TokenSecretWriter secrets, AuditRecord audit) {
        this.issuer = issuer;
        this.policy = policy;
        this.secrets = secrets;
        this.audit = audit;
    }

    /**
     * @param requested the claims as asked ({@code sub} is derived here when empty)
     * @param duration the lifetime asked for, or null for the default
     * @param target the Secret to write, or null
     */
    public Minted mint(UserClaims requested, TokenDuration duration, SecretTarget target) {
        // only checked claims reach the audit trail: a refused field may hold anything, a pasted token included
        CheckedRequest checked = issuer.check(requested, duration);
        audit.requested(checked.claims(), checked.lifetime().text(), target);
        policy.mayMint(audit.caller(), checked.claims(), target);
        if (target != null) {
            secrets.check(target);
        }
        IssuedToken token = issuer.issue(checked);
        audit.issued(token);
        WrittenSecret written = target == null ? null : secrets.write(target, token);
        return new Minted(token, written);
    }
}
