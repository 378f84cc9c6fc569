package io.pxtoken.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.AccessReviews;
import io.pxtoken.kube.KubernetesUser;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.Verification;

/**
 * Tells who a bearer token belongs to. A token whose {@code iss} is this service's issuer must verify with the
 * current shared secret under Portworx's rules (HS256 only); any other token is asked of Kubernetes with a
 * TokenReview, whose answer is cached briefly, never past the token's own expiry.
 */
@ApplicationScoped
public class CallerAuthenticator {

    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private final String issuer;
    private final TokenVerifier verifier;
    private final AccessReviews reviews;
    private final List<String> audiences;
    private final ExpiringCache<Optional<KubernetesUser>> reviewed;

    public CallerAuthenticator(PxTokenConfig config, TokenVerifier verifier, AccessReviews reviews, Clock clock) {
        this.issuer = config.issuer();
        this.verifier = verifier;
        this.reviews = reviews;
        this.audiences = config.auth().kubernetes().audiences().orElse(List.of());
        this.reviewed = new ExpiringCache<>(config.auth().cacheTtl(), clock);
    }

    /**
     * @throws AuthenticationException when the token is not accepted
     * @throws io.pxtoken.kube.KubernetesUnavailableException when Kubernetes cannot review it (fail closed)
     */
    public Caller authenticate(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthenticationException("The bearer token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        // read once, unverified: only to route the token and to bound how long its review is cached
        Map<String, Object> claims = TokenVerifier.unverifiedClaims(token);
        if (claims != null && issuer.equals(claims.get(TokenIssuer.ISS))) {
            return portworx(token);
        }
        if (!reviews.clusterConfigured()) {
            throw new AuthenticationException("The bearer token is not a Portworx token of issuer " + issuer
                    + ", and no Kubernetes cluster is configured to review it");
        }
        Instant expires = expiry(claims);
        Optional<KubernetesUser> user = reviewed.get(hash(token), expires, () -> reviews.review(token, audiences));
        KubernetesUser u = user.orElseThrow(() -> new AuthenticationException(
                "Kubernetes did not accept the bearer token (TokenReview): it is expired, revoked, for another audience, or not a token"));
        return new Caller(Caller.Kind.KUBERNETES, u.username(), List.of(), u, expires);
    }

    private Caller portworx(String token) {
        Verification v = verifier.verify(token, Set.of("HS256"));
        if (!v.valid()) {
            throw new AuthenticationException("The Portworx token was rejected: " + v.reason());
        }
        Object roles = v.claims().get(TokenIssuer.ROLES);
        List<String> roleList = roles instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        return new Caller(Caller.Kind.PORTWORX, (String) v.claims().get(TokenIssuer.SUB), roleList, null, v.expiresAt());
    }

    /** A JWT's exp, to bound how long its review is cached; null when it has none. */
    private static Instant expiry(Map<String, Object> claims) {
        return claims != null && claims.get(TokenIssuer.EXP) instanceof Number n && n.longValue() > 0
                ? Instant.ofEpochSecond(n.longValue())
                : null;
    }

    /** Cache keys are hashes: the cache never holds a token. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
