package io.pxtoken.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.AsymmetricKey;
import io.pxtoken.keys.AsymmetricKeyStore;
import io.pxtoken.keys.KeyNotLoadedException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.keys.SigningAlgorithm;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * Signs tokens exactly as Portworx expects them (PORTWORX-TOKENS.md, sections 3 and 9): HS256 with the shared
 * secret, RS256 with the RSA key, ES256 with the ECDSA key (JOSE R||S signature, as golang-jwt writes it), header
 * {@code {"alg":"<alg>","typ":"JWT"}}, claims {@code iss sub name email roles [groups] iat exp jti}, all set
 * explicitly so no library default creeps in.
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
    private final Function<SigningAlgorithm, AsymmetricKey> asymmetricKeys;
    private final SigningAlgorithm defaultAlgorithm;
    private final TokenMetrics metrics;
    private final Clock clock;
    /** A fresh {@code jti} per token; fixed only in known-answer tests. */
    private final Supplier<String> jtis;

    @Inject
    public TokenIssuer(PxTokenConfig config, SharedSecretStore keys, AsymmetricKeyStore asymmetricKeys,
            TokenMetrics metrics, Clock clock) {
        this(config.issuer(), config.defaultDuration(), config.maxDuration(), config.clockSkew(),
                config.roles().allowed(), config.roles().maxDuration(), () -> {
                    if (!keys.configured() && asymmetricKeys.anyLoaded()) {
                        throw new KeyNotLoadedException(SigningAlgorithm.HS256, "no HS256 key is loaded: " + keys.file()
                                + " does not exist (only " + loadedNames(asymmetricKeys) + " offered here)");
                    }
                    return keys.current();
                }, asymmetricKeys::current,
                signingAlgorithm(config.signing().algorithm()), metrics, clock, TokenIssuer::randomJti);
    }

    TokenIssuer(String issuer, String defaultDuration, String maxDuration, Duration clockSkew, List<String> allowedRoles,
            Map<String, String> roleMaxDurations, Supplier<SharedSecret> keys, TokenMetrics metrics, Clock clock) {
        this(issuer, defaultDuration, maxDuration, clockSkew, allowedRoles, roleMaxDurations, keys, a -> {
            throw new KeyNotLoadedException(a, "no " + a + " key is loaded");
        }, SigningAlgorithm.HS256, metrics, clock, TokenIssuer::randomJti);
    }

    TokenIssuer(String issuer, String defaultDuration, String maxDuration, Duration clockSkew, List<String> allowedRoles,
            Map<String, String> roleMaxDurations, Supplier<SharedSecret> keys,
            Function<SigningAlgorithm, AsymmetricKey> asymmetricKeys, SigningAlgorithm defaultAlgorithm,
            TokenMetrics metrics, Clock clock, Supplier<String> jtis) {
        this.issuer = issuer;
        this.defaultDuration = TokenDuration.parse("pxtoken.default-duration", defaultDuration);
        this.maxDuration = TokenDuration.parse("pxtoken.max-duration", maxDuration);
        this.skewSeconds = clockSkew.toSeconds();
        this.policy = new ClaimsPolicy(allowedRoles);
        this.roleMaxDurations = new LinkedHashMap<>();
        roleMaxDurations.forEach((role, text) -> this.roleMaxDurations.put(unquote(role),
                TokenDuration.parse("pxtoken.roles.max-duration." + role, text)));
        this.keys = keys;
        this.asymmetricKeys = asymmetricKeys;
        this.defaultAlgorithm = defaultAlgorithm;
        this.metrics = metrics;
        this.clock = clock;
        this.jtis = jtis;
        if (this.defaultDuration.seconds() > this.maxDuration.seconds()) {
            throw new IllegalStateException("pxtoken.default-duration (" + defaultDuration
                    + ") is longer than pxtoken.max-duration (" + maxDuration + ")");
        }
    }

    private static String randomJti() {
        return UUID.randomUUID().toString();
    }

    public String issuer() {
        return issuer;
    }

    /** {@code pxtoken.signing.algorithm}: what a mint signs with when it names no algorithm. */
    public SigningAlgorithm defaultAlgorithm() {
        return defaultAlgorithm;
    }

    private static String loadedNames(AsymmetricKeyStore store) {
        return String.join(" and ", AsymmetricKeyStore.ALGORITHMS.stream().filter(a -> store.loaded(a) != null)
                .map(SigningAlgorithm::name).toList());
    }

    /** A configured algorithm name, refused at start with the property named when it is not HS256, RS256 or ES256. */
    public static SigningAlgorithm signingAlgorithm(String text) {
        try {
            return SigningAlgorithm.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("pxtoken.signing.algorithm " + e.getMessage());
        }
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
        return issue(request, defaultAlgorithm);
    }

    /**
     * Signs a checked request with the key of {@code algorithm} ({@code null}: {@code pxtoken.signing.algorithm}).
     *
     * @throws KeyNotLoadedException when that algorithm's key file is absent
     * @throws io.pxtoken.keys.KeyUnavailableException when its key is configured but not usable
     */
    public IssuedToken issue(CheckedRequest request, SigningAlgorithm algorithm) {
        SigningAlgorithm alg = algorithm == null ? defaultAlgorithm : algorithm;
        SharedSecret secret = null;
        AsymmetricKey asymmetric = null;
        String fingerprint;
        if (alg == SigningAlgorithm.HS256) {
            secret = keys.get();
            fingerprint = secret.fingerprint();
        } else {
            asymmetric = asymmetricKeys.apply(alg);
            fingerprint = asymmetric.fingerprint();
        }
        UserClaims claims = request.claims();
        TokenDuration lifetime = request.lifetime();
        long now = clock.instant().getEpochSecond();
        long iat = now - skewSeconds;
        long exp = now + lifetime.seconds();
        String jti = jtis.get();

        long started = System.nanoTime();
        String token = sign(claims, iat, exp, jti, alg, secret, asymmetric);
        metrics.signed(System.nanoTime() - started, claims.roles());

        // the audit trail (io.pxtoken.audit) records every minted token at INFO; this line is for debugging (guarded:
        // the varargs array and the boxed exp would otherwise be made on every mint with DEBUG off)
        if (LOG.isDebugEnabled()) {
            LOG.debugf("Issued token jti=%s sub=%s roles=%s exp=%d alg=%s key=%s", jti, claims.sub(), claims.roles(),
                    exp, alg, fingerprint);
        }
        return new IssuedToken(token, issuer, claims, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp), jti,
                fingerprint, alg.name());
    }

    /**
     * HS256 (the default and the hot path) is signed without a JWT library: {@link #goPayload} writes the claims as
     * pxctl's Go encoder does and {@link CompactJws} adds the header and the HMAC. RS256 and ES256 go through
     * smallrye-jwt-build, where the private-key operation dominates the cost.
     */
    private String sign(UserClaims claims, long iat, long exp, String jti, SigningAlgorithm alg, SharedSecret secret,
            AsymmetricKey asymmetric) {
        if (alg == SigningAlgorithm.HS256) {
            return CompactJws.hs256(goPayload(claims, issuer, iat, exp, jti), secret.key());
        }
        return signWithLibrary(claims, iat, exp, jti, alg, asymmetric);
    }

    /**
     * The claims JSON exactly as pxctl writes it (golang-jwt marshals its claims map with {@code encoding/json}):
     * keys sorted ({@code email exp [groups] iat iss jti name roles sub}), times as integers, {@code groups} only when
     * given ({@code []} kept), {@code roles} {@code null} when absent, strings escaped as Go escapes them
     * ({@link GoJsonWriter}: {@code <>&} and U+2028/9 as <code>&#92;u</code> escapes, {@code /} and other non-ASCII
     * as they are). A missing {@code email} is written {@code ""}.
     */
    static byte[] goPayload(UserClaims claims, String issuer, long iat, long exp, String jti) {
        GoJsonWriter w = new GoJsonWriter(256);
        w.ascii("{\"email\":").string(claims.email());
        w.ascii(",\"exp\":").number(exp);
        if (claims.groups() != null) {
            w.ascii(",\"groups\":").strings(claims.groups());
        }
        w.ascii(",\"iat\":").number(iat);
        w.ascii(",\"iss\":").string(issuer);
        w.ascii(",\"jti\":").string(jti);
        w.ascii(",\"name\":").string(claims.name());
        w.ascii(",\"roles\":").strings(claims.roles());
        w.ascii(",\"sub\":").string(claims.sub());
        return w.ascii('}').toByteArray();
    }

    /**
     * Claims go in through {@link Jwt#claims(Map)}, in the sorted key order pxctl's Go encoder writes: smallrye's
     * per-claim setter refuses an empty {@code groups} list, which Portworx tokens may carry. jose4j escapes strings
     * its own way ({@code <>&} as they are, U+007F-U+009F and U+2000-U+20FF as <code>&#92;u</code> escapes with
     * uppercase hex, {@code \b} and {@code \f}): the claims read back equal to Go's, the bytes differ for those
     * characters.
     * <p>
     * The header is {@code {"alg":"<alg>","typ":"JWT"}} byte for byte, as golang-jwt writes it (its header map is
     * marshalled with sorted keys). smallrye copies the headers it was given, in its own map's order, and then adds
     * {@code typ: JWT} when none was given; so only {@code alg} is set here and {@code typ} comes second. Setting
     * {@code typ} explicitly would put it first ({@code {"typ":"JWT","alg":...}}, the order this service wrote
     * before). TokenIssuerTest pins the three header segments.
     */
    private String signWithLibrary(UserClaims claims, long iat, long exp, String jti, SigningAlgorithm alg,
            AsymmetricKey asymmetric) {
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
        return Jwt.claims(payload).jws().algorithm(SignatureAlgorithm.fromAlgorithm(alg.name()))
                .sign(asymmetric.privateKey());
    }
}
