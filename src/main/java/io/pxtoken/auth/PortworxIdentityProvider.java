package io.pxtoken.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.token.TokenIssuer;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.Verification;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/** A Portworx token of this issuer as a caller: it must verify with the current shared secret, HS256 only. */
@ApplicationScoped
public class PortworxIdentityProvider implements IdentityProvider<BearerToken.Portworx> {

    private static final Logger LOG = Logger.getLogger(PortworxIdentityProvider.class);

    private final String issuer;
    private final TokenVerifier verifier;
    private final Supplier<SharedSecret> keys;
    private final Clock clock;
    private final Duration ttl;

    @Inject
    public PortworxIdentityProvider(PxTokenConfig config, TokenVerifier verifier, SharedSecretStore keys, Clock clock) {
        this(config.issuer(), verifier, keys::current, clock, config.auth().cacheTtl());
    }

    /** @param keys the shared secret the verifier checks with now (the same source as the verifier's) */
    PortworxIdentityProvider(String issuer, TokenVerifier verifier, Supplier<SharedSecret> keys, Clock clock, Duration ttl) {
        this.issuer = issuer;
        this.verifier = verifier;
        this.keys = keys;
        this.clock = clock;
        this.ttl = ttl;
    }

    @Override
    public Class<BearerToken.Portworx> getRequestType() {
        return BearerToken.Portworx.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(BearerToken.Portworx request, AuthenticationRequestContext context) {
        return Uni.createFrom().item(() -> identity(request.token()));
    }

    /** Whether two keys fold (as Go's encoding/json folds them) to {@code sub}, or two to {@code roles}. */
    public static boolean ambiguous(java.util.Map<String, Object> claims) {
        int subs = 0;
        int roles = 0;
        for (String key : claims.keySet()) {
            String folded = key.replace('\u017F', 's').replace('\u212A', 'k').toLowerCase(java.util.Locale.ROOT);
            subs += folded.equals(TokenIssuer.SUB) ? 1 : 0;
            roles += folded.equals(TokenIssuer.ROLES) ? 1 : 0;
        }
        return subs > 1 || roles > 1;
    }

    SecurityIdentity identity(String token) {
        // the key the token is checked with: a verdict is reused (VerifiedBearers) only while it is still the current one
        SharedSecret key = keys.get();
        Verification v;
        try {
            v = verifier.verify(token, Set.of("HS256"));
        } catch (KeyUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // a bearer is anyone's input: whatever it holds, the answer is 401, never 500
            LOG.debugf("Portworx bearer token could not be checked: %s", e.getClass().getName());
            throw new AuthenticationFailedException("The Portworx token could not be read");
        }
        if (!v.valid()) {
            throw new AuthenticationFailedException("The Portworx token was rejected: " + v.reason());
        }
        if (ambiguous(v.claims())) {
            // Portworx folds key case when it reads sub and roles; a token that spells one twice could mean one
            // thing here and another there, so it is no caller at all
            throw new AuthenticationFailedException("The Portworx token names sub or roles more than once (in other cases)");
        }
        Object roles = v.claims().get(TokenIssuer.ROLES);
        List<String> roleList = roles instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        String sub = String.valueOf(v.claims().get(TokenIssuer.SUB));
        Caller caller = new Caller(Caller.Kind.PORTWORX, sub, roleList, null, v.expiresAt(), issuer);
        // reusable as a TokenReview's answer is: for the TTL, never past exp (a verified token has one), same key
        Instant now = clock.instant();
        Instant until = now.plus(ttl);
        if (v.expiresAt() != null && v.expiresAt().isBefore(until)) {
            until = v.expiresAt();
        }
        BooleanSupplier sameKey = () -> {
            try {
                return keys.get() == key;
            } catch (KeyUnavailableException e) {
                return false;
            }
        };
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(sub))
                .addRoles(Set.copyOf(roleList))
                .addAttribute(Caller.ATTRIBUTE, caller)
                .addAttribute(VerifiedBearers.VALID_UNTIL, VerifiedBearers.nanos(until))
                .addAttribute(VerifiedBearers.VALID_WHILE, sameKey)
                .build();
    }
}
