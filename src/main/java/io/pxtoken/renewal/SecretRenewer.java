package io.pxtoken.renewal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.pxtoken.auth.PortworxIdentityProvider;
import io.pxtoken.keys.KeyNotLoadedException;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.kube.KubernetesConflictException;
import io.pxtoken.kube.KubernetesUnavailableException;
import io.pxtoken.kube.ManagedSecrets;
import io.pxtoken.kube.SecretEvents;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.kube.TokenSecrets;
import io.pxtoken.provenance.Provenance;
import io.pxtoken.token.CheckedRequest;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.TokenException;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.UserClaims;

/**
 * Renews one managed Secret: the same claims and duration, a new {@code jti}, the current key, written in place over
 * the version read. It acts only on a Secret whose proof of provenance checks out ({@link Provenance}): what is minted
 * again, claims and lifetime alike, is what this service itself wrote there. A Secret without a valid proof (planted,
 * copied, edited, or written before proofs existed) is left alone with an Event {@code RenewalSkipped}, however
 * valid its token. A failed write is reported by Event and metric, never by a second write to the Secret.
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

    /** The Event reason of a Secret that renewal will not touch. */
    public static final String SKIPPED = "RenewalSkipped";

    private static final Logger LOG = Logger.getLogger(SecretRenewer.class);
    private static final int MAX_CONFLICTS = 5;

    private final TokenIssuer issuer;
    private final TokenSecrets secrets;
    private final SecretEvents events;
    private final Provenance provenance;
    private final ManagedAlgorithm managed;

    public SecretRenewer(TokenIssuer issuer, TokenSecrets secrets, SecretEvents events, Provenance provenance,
            ManagedAlgorithm managed) {
        this.issuer = issuer;
        this.managed = managed;
        this.secrets = secrets;
        this.events = events;
        this.provenance = provenance;
    }

    /**
     * @param seen the Secret as last seen (the informer's copy); re-read when a write conflicts
     * @param earlierFailure why the attempts before this one failed, recorded by a success; null when none did
     */
    public Result renew(Secret seen, String earlierFailure) {
        Secret s = seen;
        for (int attempt = 1; ; attempt++) {
            Result r;
            try {
                r = attempt(s, earlierFailure);
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
            } catch (KubernetesUnavailableException | KeyUnavailableException | KeyNotLoadedException e) {
                return failed(s, e.getMessage());
            }
            return r;
        }
    }

    private Result attempt(Secret s, String earlierFailure) {
        String where = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
        Provenance.Status proof = provenance.check(s);
        if (proof != Provenance.Status.PROVEN) {
            return skipped(s, "not written by this service: mint it again (" + proof.reason() + ")");
        }
        String why = unrenewable(s);
        if (why != null) {
            return skipped(s, why);
        }
        String previousFingerprint = ManagedSecrets.annotation(s, ManagedSecrets.KEY_FINGERPRINT);
        // the proof covers a digest of this very token: its claims are what this service signed, whatever key signed them
        String stored = ManagedSecrets.token(s);
        Map<String, Object> payload = stored == null ? null : TokenVerifier.unverifiedClaims(stored);
        UserClaims claims;
        try {
            if (payload == null) {
                throw new IllegalArgumentException("the stored token cannot be read");
            }
            claims = claimsOf(payload);
        } catch (IllegalArgumentException e) {
            return skipped(s, e.getMessage() + "; mint it again");
        }
        String mismatch = mismatch(s, claims);
        if (mismatch != null) {
            return skipped(s, "annotation " + mismatch + " does not match the stored token; mint it again");
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
        // pxtoken.signing.managed-algorithm: the bridge converts every managed token to it
        IssuedToken token = issuer.issue(checked, managed.algorithm());
        SecretTarget target = new SecretTarget(s.getMetadata().getNamespace(), s.getMetadata().getName(),
                ManagedSecrets.annotation(s, ManagedSecrets.DATA_KEY));
        ManagedSecrets.Renewal renewal = spec.annotationsFor(token, duration).afterFailures(earlierFailure);
        Secret updated = secrets.update(provenance.seal(ManagedSecrets.merged(s, target, token, renewal)));
        boolean resigned = !Objects.equals(previousFingerprint, token.keyFingerprint());
        String message = (resigned ? "Re-signed " + token.algorithm() + " with key " + token.keyFingerprint() + " (was "
                + ManagedSecrets.algorithm(s) + " key " + previousFingerprint + ")"
                : "Renewed") + ": jti " + token.jti() + ", expires " + token.expiresAt();
        events.normal(updated, resigned ? "Resigned" : "Renewed", message);
        LOG.infof("%s Secret %s: jti=%s expires %s alg=%s key %s", resigned ? "Re-signed" : "Renewed", where, token.jti(),
                token.expiresAt(), token.algorithm(), token.keyFingerprint());
        return new Result(Outcome.RENEWED, resigned ? "resigned" : "renewed", updated);
    }

    private Result skipped(Secret s, String reason) {
        events.warning(s, SKIPPED, reason + "; the token is left as it is");
        return new Result(Outcome.LEFT_ALONE, reason, s);
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

    /** One Event, no write: the Secret is left exactly as it was, and the next success records why this failed. */
    private Result failed(Secret s, String reason) {
        events.warning(s, "RenewalFailed", reason + "; the stored token is unchanged and renewal will be retried");
        return new Result(Outcome.FAILED, reason, s);
    }
}
