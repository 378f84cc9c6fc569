package io.pxtoken.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.pxtoken.keys.SigningAlgorithm;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.renewal.RenewalSpec;
import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.Quoted;
import io.pxtoken.token.TokenDuration;
import io.pxtoken.token.UserClaims;
import io.pxtoken.token.Violation;

/** The body of {@code POST /v1/tokens}: the fields of a pxctl auth-config file, plus an optional duration. */
@Schema(name = "MintRequest", description = "Who the token is for: the fields of a pxctl auth-config file (JSON or YAML).")
public record MintRequest(
        @Schema(description = "Display name. Required, not blank, at most 256 characters.", required = true,
                examples = "Storage Administrator") String name,
        @Schema(description = "Email address; may be empty (Stork's tokens have none). At most 256 characters.",
                examples = "admin@example.com") String email,
        @Schema(description = "Unique user id; Portworx records volume ownership under it. When empty it is derived as "
                + "pxctl does: base64(\"openstorage.io/\" + name + \"/\" + email).", examples = "admin@example.com") String sub,
        @Schema(description = "Portworx roles, in order. At least one; each from pxtoken.roles.allowed "
                + "(system.admin, system.user, system.view by default). A list, never a scalar.", required = true,
                examples = "[\"system.admin\"]") List<String> roles,
        @Schema(description = "Groups, in order (\"*\" makes the user an ownership admin of every volume). "
                + "Left out of the token when absent; an empty list is kept.", examples = "[\"*\"]") List<String> groups,
        @Schema(description = "Lifetime in pxctl syntax: a whole number and one of s, m, h, d, y (e.g. 30d, 1y). "
                + "Defaults to pxtoken.default-duration; at most pxtoken.max-duration. May also be given as ?duration=.",
                examples = "1y") String duration,
        @Schema(description = "Signing algorithm: HS256 (shared-secret), RS256 (rsa-private-key) or ES256 "
                + "(ecdsa-private-key), each needing its key in the keys directory. Default pxtoken.signing.algorithm "
                + "(HS256). May also be given as ?algorithm=.", examples = "RS256") String algorithm,
        @Schema(description = "Also store the token in this Kubernetes Secret, for a StorageClass to reference.") SecretRequest secret,
        @Schema(description = "Set to false to leave the token out of the response (it is only stored in the Secret). "
                + "Default true.") Boolean returnToken) {

    /** The Secret to write: {@code namespace}, {@code name} and {@code key} (default {@code auth-token}). */
    @Schema(name = "SecretRequest")
    public record SecretRequest(
            @Schema(description = "Namespace of the Secret; must be listed in pxtoken.secrets.namespaces.", required = true,
                    examples = "portworx") String namespace,
            @Schema(description = "Name of the Secret; created, or updated when this service manages it.", required = true,
                    examples = "px-k8s-user") String name,
            @Schema(description = "Data key for the token; Portworx reads auth-token.", examples = "auth-token") String key,
            @Schema(description = "Renew this long before the token expires (pxctl syntax, shorter than the duration). "
                    + "Default: at 2/3 of the lifetime, less a jitter of at most 5%.", examples = "1d") String renewBefore,
            @Schema(description = "Set to false to keep the token as minted: it is then never renewed or re-signed. "
                    + "Default true.") Boolean renew) {
    }

    /** How the stored token is kept fresh; the default when no Secret or no renewal field was given. */
    RenewalSpec renewal() {
        if (secret == null) {
            return RenewalSpec.DEFAULT;
        }
        boolean renew = secret.renew() == null || secret.renew();
        if (secret.renewBefore() != null && !renew) {
            throw new InvalidClaimsException(List.of(new Violation("secret.renewBefore",
                    "is set while secret.renew is false; give one or the other")));
        }
        return new RenewalSpec(renew, secret.renewBefore() == null ? null
                : TokenDuration.parse("secret.renewBefore", secret.renewBefore()));
    }

    /** The requested Secret, checked for valid Kubernetes names; {@code null} when none was asked for. */
    SecretTarget secretTarget() {
        return secret == null ? null : SecretTarget.of("secret", secret.namespace(), secret.name(), secret.key());
    }

    boolean wantsToken() {
        return returnToken == null || returnToken;
    }

    UserClaims claims() {
        return new UserClaims(name, email, sub, roles, groups);
    }

    /**
     * The algorithm from the body or the query string.
     *
     * @return {@code null} when neither gives one
     * @throws InvalidClaimsException when both give different values, or the value is not HS256, RS256 or ES256
     */
    SigningAlgorithm algorithm(String query) {
        if (algorithm != null && query != null && !algorithm.equals(query)) {
            throw new InvalidClaimsException(List.of(new Violation("algorithm",
                    "given as " + Quoted.value(algorithm) + " in the body and as " + Quoted.value(query)
                            + " in the query string; give it once")));
        }
        String text = algorithm != null ? algorithm : query;
        try {
            return SigningAlgorithm.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidClaimsException(List.of(new Violation("algorithm", Quoted.value(text) + " " + e.getMessage())));
        }
    }

    /**
     * The duration from the body or the query string.
     *
     * @return {@code null} when neither gives one
     * @throws InvalidClaimsException when both give different values, or the value is not a valid duration
     */
    TokenDuration lifetime(String query) {
        if (duration != null && query != null && !duration.equals(query)) {
            throw new InvalidClaimsException(List.of(new Violation("duration",
                    "given as " + Quoted.value(duration) + " in the body and as " + Quoted.value(query)
                            + " in the query string; give it once")));
        }
        String text = duration != null ? duration : query;
        return text == null ? null : TokenDuration.parse("duration", text);
    }
}
