package io.pxtoken.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Signs tokens exactly as Portworx expects them (PORTWORX-TOKENS.md, section 3): HS256 with the shared secret,
 * header {@code {"alg":"HS256","typ":"JWT"}}, claims {@code iss sub name email roles [groups] iat exp jti}, all
 * set explicitly so no library default creeps in.
 */
@ApplicationScoped
public class TokenIssuer {

    public static final String ISS = "iss";
    public static final String SUB = "sub";
    public static final String NAME = "name";
    public static final String EMAIL = "email";
    public static final String ROLES = "roles";
    public static final String GROUPS = "groups";
    public static final String IAT = "iat";
    public static final String EXP = "exp";
    public static final String JTI = "jti";

    private static final Logger LOG = Logger.getLogger(TokenIssuer.class);

    private final String issuer;
    private final TokenDuration defaultDuration;
    private final TokenDuration maxDuration;
    private final long skewSeconds;
    private final ClaimsPolicy policy;
    private final Map<String, TokenDuration> roleMaxDurations;
    private final Supplier<SharedSecret> keys;
    private final TokenMetrics metrics;
    private final Clock clock;

    @Inject
    public TokenIssuer(PxTokenConfig config, SharedSecretStore keys, TokenMetrics metrics, Clock clock) {
        this(config.issuer(), config.defaultDuration(), config.maxDuration(), config.clockSkew(),
                config.roles().allowed(), config.roles().maxDuration(), keys::current, metrics, clock);
    }

    TokenIssuer(String issuer, String defaultDuration, String maxDuration, Duration clockSkew, List<String> allowedRoles,
            Map<String, String> roleMaxDurations, Supplier<SharedSecret> keys, TokenMetrics metrics, Clock clock) {
        this.issuer = issuer;
        this.defaultDuration = TokenDuration.parse("pxtoken.default-duration", defaultDuration);
        this.maxDuration = TokenDuration.parse("pxtoken.max-duration", maxDuration);
        this.skewSeconds = clockSkew.toSeconds();
        this.policy = new ClaimsPolicy(allowedRoles);
        this.roleMaxDurations = new LinkedHashMap<>();
        roleMaxDurations.forEach((role, text) -> this.roleMaxDurations.put(unquote(role),
                TokenDuration.parse("pxtoken.roles.max-duration." + role, text)));
        this.keys = keys;
        this.metrics = metrics;
        this.clock = clock;
        if (this.defaultDuration.seconds() > this.maxDuration.seconds()) {
            throw new IllegalStateException("pxtoken.default-duration (" + defaultDuration
                    + ") is longer than pxtoken.max-duration (" + maxDuration + ")");
        }
    }

    public String issuer() {
        return issuer;
    }

    public TokenDuration defaultDuration() {
        return defaultDuration;
    }

    public TokenDuration maxDuration() {
        return maxDuration;
    }

    public List<String> allowedRoles() {
        return policy.allowedRoles();
    }

    /**
     * Checks a request without signing anything.
     *
     * @param requested the claims; {@code sub} is derived when empty
     * @param duration the lifetime asked for, or {@code null} for the default
     * @return what {@link #issue(CheckedRequest)} may sign
     * @throws InvalidClaimsException when the claims or the duration break a rule
     */
    public CheckedRequest check(UserClaims requested, TokenDuration duration) {
        policy.check(requested);
        TokenDuration lifetime = duration == null ? defaultDuration : duration;
        if (lifetime.seconds() > maxDuration.seconds()) {
            throw new InvalidDurationException("duration",
                    Quoted.value(lifetime.text()) + " is longer than the maximum of " + maxDuration + " (pxtoken.max-duration)");
        }
        for (String role : requested.roles()) {
            TokenDuration limit = roleMaxDurations.get(role);
            if (limit != null && lifetime.seconds() > limit.seconds()) {
                throw new InvalidDurationException("duration", Quoted.value(lifetime.text()) + " is longer than the maximum of "
                        + limit + " for role " + role + " (pxtoken.roles.max-duration)");
            }
        }
        return new CheckedRequest(requested.withDerivedSubject(), lifetime);
    }

    /** Role names with dots are quoted in property keys: {@code max-duration."system.admin"}. */
    private static String unquote(String key) {
        return key.length() > 1 && key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
    }

    /**
     * Checks the request and signs a token.
     *
     * @param requested the user's claims; {@code sub} is derived when empty
     * @param duration the lifetime, or {@code null} for the default
     * @throws InvalidClaimsException when the claims or the duration break a rule
     * @throws io.pxtoken.keys.KeyUnavailableException when no shared secret is loaded
     */
    public IssuedToken issue(UserClaims requested, TokenDuration duration) {
        return issue(check(requested, duration));
    }

    /**
     * Signs a checked request.
     *
     * @throws io.pxtoken.keys.KeyUnavailableException when no shared secret is loaded
     */
    public IssuedToken issue(CheckedRequest request) {
        SharedSecret key = keys.get();
        UserClaims claims = request.claims();
        TokenDuration lifetime = request.lifetime();
        long now = clock.instant().getEpochSecond();
        long iat = now - skewSeconds;
        long exp = now + lifetime.seconds();
        String jti = UUID.randomUUID().toString();

        long started = System.nanoTime();
        String token = sign(claims, iat, exp, jti, key);
        metrics.signed(System.nanoTime() - started, claims.roles());

        // the audit trail (io.pxtoken.audit) records every minted token at INFO; this line is for debugging
        LOG.debugf("Issued token jti=%s sub=%s roles=%s exp=%d key=%s", jti, claims.sub(), claims.roles(), exp,
                key.fingerprint());
        return new IssuedToken(token, issuer, claims, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp), jti,
                key.fingerprint());
    }

    /**
     * Claims go in through {@link Jwt#claims(Map)}, in the sorted key order pxctl's Go encoder writes: smallrye's
     * per-claim setter refuses an empty {@code groups} list, which Portworx tokens may carry.
     */
    private String sign(UserClaims claims, long iat, long exp, String jti, SharedSecret key) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put(EMAIL, claims.email() == null ? "" : claims.email());
        payload.put(EXP, exp);
        if (claims.groups() != null) {
            payload.put(GROUPS, claims.groups());
        }
        payload.put(IAT, iat);
        payload.put(ISS, issuer);
        payload.put(JTI, jti);
        payload.put(NAME, claims.name());
        payload.put(ROLES, claims.roles());
        payload.put(SUB, claims.sub());
        return Jwt.claims(payload).jws().algorithm(SignatureAlgorithm.HS256).header("typ", "JWT").sign(key.key());
    }
}
