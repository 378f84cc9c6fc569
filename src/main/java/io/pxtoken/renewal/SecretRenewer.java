package io.pxtoken.renewal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.auth.PortworxIdentityProvider;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.kube.KubernetesConflictException;
import io.pxtoken.kube.KubernetesUnavailableException;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretEvents;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.kube.TokenSecrets;
import io.pxtoken.token.CheckedRequest;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.TokenException;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.UserClaims;
import io.pxtoken.token.Verification;

/**
 * Renews one managed Secret: the same claims and duration, a new {@code jti}, the current key, written in place over
 * the version read. What is minted again comes from the stored token itself, verified with the current key or the
 * one before a rotation; the annotations must agree with it, so editing them never buys a token that was not
 * minted. Anything that cannot be renewed safely is left alone with an Event saying why.
 */
@ApplicationScoped
public class SecretRenewer {

    /** How a renewal ended. */
    public enum Outcome {
        /** A new token is stored. */
        RENEWED,
        /** Not renewed, and retrying would not help until someone changes the Secret. */
        LEFT_ALONE,
        /** Not renewed this time; the old token is untouched and a retry may succeed. */
        FAILED
    }

    /** The outcome, and why when it was not renewed. */
    public record Result(Outcome outcome, String reason, Secret secret) {
    }

    private static final Logger LOG = Logger.getLogger(SecretRenewer.class);
    private static final Set<String> SIGNATURE_OK = Set.of("valid", "expired", "not-yet-valid", "used-before-issued");
    private static final int MAX_CONFLICTS = 5;

    private final TokenIssuer issuer;
    private final TokenVerifier verifier;
    private final SharedSecretStore keys;
    private final TokenSecrets secrets;
    private final SecretEvents events;

    public SecretRenewer(TokenIssuer issuer, TokenVerifier verifier, SharedSecretStore keys, TokenSecrets secrets,
            SecretEvents events) {
        this.issuer = issuer;
        this.verifier = verifier;
        this.keys = keys;
        this.secrets = secrets;
        this.events = events;
    }

    /**
     * @param seen the Secret as last seen (the informer's copy); re-read when a write conflicts
     */
    public Result renew(Secret seen) {
        Secret s = seen;
        for (int attempt = 1; ; attempt++) {
            Result r;
            try {
                r = attempt(s);
            } catch (KubernetesConflictException e) {
                if (attempt >= MAX_CONFLICTS) {
                    return failed(s, "the Secret kept changing during renewal (" + MAX_CONFLICTS + " conflicting writes)");
                }
                Optional<Secret> fresh;
                try {
                    fresh = secrets.read(s.getMetadata().getNamespace(), s.getMetadata().getName());
                } catch (RuntimeException io) {
                    return failed(s, io.getMessage());
                }
                if (fresh.isEmpty() || !ManagedSecrets.managed(fresh.get())) {
                    return new Result(Outcome.LEFT_ALONE, "the Secret is gone or no longer managed", s);
                }
                s = fresh.get();
                continue;
            } catch (KubernetesUnavailableException | KeyUnavailableException e) {
                return failed(s, e.getMessage());
            }
            return r;
        }
    }

    private Result attempt(Secret s) {
        String where = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
        String why = unrenewable(s);
        if (why != null) {
            events.warning(s, "RenewalSkipped", why + "; the token is left as it is");
            return new Result(Outcome.LEFT_ALONE, why, s);
        }
        String previousFingerprint = ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT);
        Verification v = readStoredToken(ManagedSecrets.token(s));
        if (v == null) {
            String reason = "the stored token does not verify with the current shared secret or the one before it; "
                    + "mint it again";
            events.warning(s, "RenewalFailed", reason);
            return new Result(Outcome.LEFT_ALONE, reason, s);
        }
        UserClaims claims;
        try {
            claims = claimsOf(v.claims());
        } catch (IllegalArgumentException e) {
            events.warning(s, "RenewalFailed", e.getMessage());
            return new Result(Outcome.LEFT_ALONE, e.getMessage(), s);
        }
        String mismatch = mismatch(s, claims);
        if (mismatch != null) {
            String reason = "annotation " + mismatch + " does not match the stored token (edited by hand?); mint it again";
            events.warning(s, "RenewalSkipped", reason);
            return new Result(Outcome.LEFT_ALONE, reason, s);
        }
        TokenDuration duration = TokenDuration.parse("duration", ManagedSecrets.annotation(s, ManagedSecrets.DURATION));
        String renewBefore = ManagedSecrets.annotation(s, ManagedSecrets.RENEW_BEFORE);
        RenewalSpec spec = new RenewalSpec(true, renewBefore == null ? null : TokenDuration.parse("renew-before", renewBefore));
        CheckedRequest checked;
        try {
            checked = issuer.check(claims, duration);
        } catch (TokenException e) {
            String reason = "the token's claims are no longer allowed (" + e.getMessage() + "); mint it again";
            events.warning(s, "RenewalFailed", reason);
            return new Result(Outcome.LEFT_ALONE, reason, s);
        }
        IssuedToken token = issuer.issue(checked);
        SecretTarget target = new SecretTarget(s.getMetadata().getNamespace(), s.getMetadata().getName(),
                ManagedSecrets.annotation(s, ManagedSecrets.DATA_KEY));
        Secret updated = secrets.update(ManagedSecrets.merged(s, target, token, spec.annotationsFor(token, duration)));
        boolean resigned = !Objects.equals(previousFingerprint, token.keyFingerprint());
        String message = (resigned ? "Re-signed with key " + token.keyFingerprint() + " (was " + previousFingerprint + ")"
                : "Renewed") + ": jti " + token.jti() + ", expires " + token.expiresAt();
        events.normal(updated, resigned ? "Resigned" : "Renewed", message);
        LOG.infof("%s Secret %s: jti=%s expires %s key %s", resigned ? "Re-signed" : "Renewed", where, token.jti(),
                token.expiresAt(), token.keyFingerprint());
        return new Result(Outcome.RENEWED, resigned ? "resigned" : "renewed", updated);
    }

    /** Why this Secret cannot be renewed from its annotations, or null. */
    private static String unrenewable(Secret s) {
        for (String a : List.of(ManagedSecrets.DATA_KEY, ManagedSecrets.DURATION, ManagedSecrets.SUBJECT, ManagedSecrets.ROLES)) {
            if (ManagedSecrets.annotation(s, a) == null) {
                return "annotation " + a + " is missing";
            }
        }
        try {
            TokenDuration.parse("duration", ManagedSecrets.annotation(s, ManagedSecrets.DURATION));
            String before = ManagedSecrets.annotation(s, ManagedSecrets.RENEW_BEFORE);
            if (before != null) {
                TokenDuration.parse("renew-before", before);
            }
        } catch (TokenException e) {
            return "annotation " + ManagedSecrets.DURATION + " or " + ManagedSecrets.RENEW_BEFORE + " is invalid ("
                    + e.getMessage() + ")";
        }
        return null;
    }

    /** The stored token verified with the current key, or with the one before a rotation; null when neither. */
    private Verification readStoredToken(String token) {
        if (token == null) {
            return null;
        }
        Verification current = verifier.verify(token);
        if (SIGNATURE_OK.contains(current.result())) {
            return current;
        }
        SharedSecret previous = keys.previous();
        if (previous != null) {
            Verification old = verifier.verifyWith(previous, token);
            if (SIGNATURE_OK.contains(old.result())) {
                return old;
            }
        }
        return null;
    }

    private static UserClaims claimsOf(Map<String, Object> claims) {
        if (PortworxIdentityProvider.ambiguous(claims)) {
            throw new IllegalArgumentException("the stored token names sub or roles more than once");
        }
        return new UserClaims(string(claims, "name"), string(claims, "email"), string(claims, "sub"),
                strings(claims, "roles"), claims.containsKey("groups") ? strings(claims, "groups") : null);
    }

    private static String string(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (v != null && !(v instanceof String)) {
            throw new IllegalArgumentException("the stored token's " + name + " is not a string");
        }
        return (String) v;
    }

    private static List<String> strings(Map<String, Object> claims, String name) {
        if (!(claims.get(name) instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("the stored token's " + name + " is not a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** The first annotation that disagrees with the token's claims, or null. */
    private static String mismatch(Secret s, UserClaims c) {
        if (!Objects.equals(ManagedSecrets.annotation(s, ManagedSecrets.SUBJECT), c.sub())) {
            return ManagedSecrets.SUBJECT;
        }
        if (!Objects.equals(ManagedSecrets.listAnnotation(s, ManagedSecrets.ROLES), c.roles())) {
            return ManagedSecrets.ROLES;
        }
        if (!Objects.equals(ManagedSecrets.listAnnotation(s, ManagedSecrets.GROUPS), c.groups())) {
            return ManagedSecrets.GROUPS;
        }
        String name = ManagedSecrets.annotation(s, ManagedSecrets.NAME);
        if (name != null && !name.equals(c.name())) {
            return ManagedSecrets.NAME;
        }
        return null;
    }

    private Result failed(Secret s, String reason) {
        events.warning(s, "RenewalFailed", reason + "; the stored token is unchanged and renewal will be retried");
        try {
            // for GET /v1/secrets on any replica; best effort, the token itself is not touched
            secrets.update(ManagedSecrets.annotated(s, ManagedSecrets.RENEWAL_ERROR, reason));
        } catch (RuntimeException e) {
            LOG.debugf("Could not record the renewal error on %s/%s", s.getMetadata().getNamespace(), s.getMetadata().getName());
        }
        return new Result(Outcome.FAILED, reason, s);
    }
}
