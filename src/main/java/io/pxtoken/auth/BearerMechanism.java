package io.pxtoken.auth;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.AccessReviews;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.TokenVerifier;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code Authorization: Bearer} on {@code /v1} requests and hands the token to the identity provider of its
 * kind: a token of this issuer to {@link PortworxIdentityProvider} (when Portworx callers are on), any other to
 * {@link KubernetesIdentityProvider}. The caller's own rate limit applies once it is known. Which routes need a
 * caller is configuration ({@code quarkus.http.auth.permission.v1}), not code.
 */
@ApplicationScoped
public class BearerMechanism implements HttpAuthenticationMechanism {

    /** RFC 6750: what a client without an acceptable bearer token is told to send. */
    public static final String CHALLENGE = "Bearer realm=\"px-token-service\"";
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(BearerMechanism.class);
    private static final String BEARER = "bearer ";
    /** Why authentication failed, kept on the request for the challenge that answers it. */
    private static final String FAILURE = BearerMechanism.class.getName() + ".failure";
    private static final String NO_CREDENTIAL = "Send Authorization: Bearer <token>, a Kubernetes token "
            + "(kubectl create token <serviceaccount>)";
    private static final SecurityIdentity OPEN = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(Caller.ANONYMOUS.name()))
            .addAttribute(Caller.ATTRIBUTE, Caller.ANONYMOUS)
            .build();

    private final boolean enabled;
    private final boolean portworxCallers;
    private final String issuer;
    private final AccessReviews reviews;
    private final TokenBuckets perCaller;
    private final VerifiedBearers verified;

    public BearerMechanism(PxTokenConfig config, AccessReviews reviews, VerifiedBearers verified, java.time.Clock clock) {
        this.verified = verified;
        this.enabled = config.auth().enabled();
        this.portworxCallers = config.auth().portworx().enabled();
        this.issuer = config.issuer();
        this.reviews = reviews;
        var limit = config.rateLimit();
        this.perCaller = limit.enabled() ? new TokenBuckets("requests from this caller", limit.rate(), limit.burst(), clock) : null;
    }

    static void warnWhenOpen(@Observes StartupEvent event, PxTokenConfig config) {
        if (!config.auth().enabled()) {
            LOG.warn("*** pxtoken.auth.enabled=false: ANYONE who can reach this service can mint Portworx tokens, "
                    + "system.admin included. Never run it like this outside your own machine. ***");
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager providers) {
        if (!context.normalizedPath().startsWith("/v1/")) {
            return Uni.createFrom().nullItem();
        }
        if (!enabled) {
            return Uni.createFrom().item(OPEN);
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return Uni.createFrom().nullItem();
        }
        String token;
        AuthenticationRequest request;
        try {
            token = token(header);
            VerifiedBearers.Digest digest = VerifiedBearers.digest(token);
            SecurityIdentity known = verified.get(digest);
            if (known != null) {
                // verified before, and that check may still be reused: the caller's own limit applies as ever
                limit(known);
                return Uni.createFrom().item(known);
            }
            request = request(token, context);
            return providers.authenticate(request).invoke(identity -> {
                verified.put(digest, identity);
                limit(identity);
            }).onFailure().invoke(t -> context.put(FAILURE, t));
        } catch (AuthenticationFailedException | RateLimitedException e) {
            context.put(FAILURE, e);
            return Uni.createFrom().failure(e);
        }
    }

    /** The token of an {@code Authorization: Bearer} header, checked for what no token can be. */
    private static String token(String header) {
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new AuthenticationFailedException("The Authorization header must be \"Bearer <token>\"");
        }
        String token = header.substring(BEARER.length()).strip();
        if (token.isEmpty() || !printable(token)) {
            throw new AuthenticationFailedException("The bearer token is empty or holds characters a token cannot have");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new AuthenticationFailedException("The bearer token is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        return token;
    }

    /** Visible ASCII only ({@code !} to {@code ~}). */
    private static boolean printable(String token) {
        for (int i = 0, n = token.length(); i < n; i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private AuthenticationRequest request(String token, RoutingContext context) {
        if (ourIssuer(token)) {
            if (!portworxCallers) {
                throw new AuthenticationFailedException("Portworx tokens are not accepted as callers here "
                        + "(pxtoken.auth.portworx.enabled=false): send a Kubernetes token (kubectl create token <serviceaccount>)");
            }
            return new BearerToken.Portworx(token);
        }
        if (!reviews.clusterConfigured()) {
            throw new AuthenticationFailedException("The bearer token is not a Portworx token of issuer " + issuer
                    + ", and no Kubernetes cluster is configured to review it");
        }
        return new BearerToken.Kubernetes(token, context.request().remoteAddress() == null ? "unknown"
                : context.request().remoteAddress().hostAddress());
    }

    /** Read unverified, only to route the token: the provider of its kind checks it. */
    private boolean ourIssuer(String token) {
        try {
            Map<String, Object> claims = TokenVerifier.unverifiedClaims(token);
            return claims != null && issuer.equals(claims.get(TokenIssuer.ISS));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void limit(SecurityIdentity identity) {
        if (perCaller != null) {
            perCaller.acquire(Caller.of(identity).key());
        }
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", CHALLENGE));
    }

    /** The challenge goes the way of every other failure, so its body is a problem like theirs. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        Throwable why = context.get(FAILURE);
        context.fail(why != null ? why : new AuthenticationFailedException(NO_CREDENTIAL));
        return Uni.createFrom().item(Boolean.TRUE);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(BearerToken.Portworx.class, BearerToken.Kubernetes.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }
}
