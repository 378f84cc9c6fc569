package io.pxtoken.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import javax.crypto.Mac;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;

/**
 * Checks a token the way Portworx does, step for step and with Portworx's own texts (PORTWORX-TOKENS.md, section 5):
 * <ol>
 * <li>openstorage {@code auth.TokenIssuer}: at least three segments, the payload decoded with Go's
 * {@code encoding/json} into the {@code Claims} struct, a non-empty {@code iss};</li>
 * <li>the SDK server's issuer lookup: {@code <iss> is not a trusted issuer};</li>
 * <li>golang-jwt v4.3.0 {@code Parse} over {@code MapClaims}, with openstorage's key function
 * ({@code JwtAuthenticator.AuthenticateToken}): segments, header, claims, {@code alg}, key by prefix, time checks,
 * then the signature, whose failure outranks any time failure;</li>
 * <li>openstorage's required claims, then the username rule ({@code validateUsername}, username claim {@code sub}).</li>
 * </ol>
 * Written against the JDK's {@link Mac} and small Go-faithful readers ({@link GoBase64}, {@link GoJson},
 * {@link GoDecode}, {@link GoTime}) rather than a JWT library on purpose: the point is to give Portworx's verdict on
 * crafted tokens too, which a library would paper over. Tests cross-check it with an independent JWT implementation.
 * No input makes it throw: every token gets a verdict.
 */
@ApplicationScoped
public class TokenVerifier {

    /** The algorithms Portworx verifies with the shared secret. */
    public static final Set<String> SHARED_SECRET_ALGORITHMS = Set.of("HS256", "HS384", "HS512");
    /** golang-jwt v4's registry ({@code GetSigningMethod}); anything else is "unavailable". */
    private static final Set<String> KNOWN_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA", "none");
    /** openstorage {@code requiredClaims}, checked in this order. */
    private static final List<String> REQUIRED = List.of(TokenIssuer.ISS, TokenIssuer.SUB, TokenIssuer.EXP,
            TokenIssuer.IAT, TokenIssuer.NAME, TokenIssuer.EMAIL);
    private static final int MAX_SHOWN_ISSUER = 256;

    private final String issuer;
    private final Supplier<SharedSecret> keys;
    private final Clock clock;

    @Inject
    public TokenVerifier(PxTokenConfig config, SharedSecretStore keys, Clock clock) {
        this(config.issuer(), keys::current, clock);
    }

    TokenVerifier(String issuer, Supplier<SharedSecret> keys, Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
    }

    /** The payload of a JWT as golang-jwt's {@code MapClaims} reads it, without checking anything; null when it cannot. */
    public static Map<String, Object> unverifiedClaims(String token) {
        String[] parts = token.split("\\.", -1);
        return parts.length == 3 ? mapClaims(parts[1]) : null;
    }

    /** Verifies as Portworx would if it held {@code key}: for reading a token signed before a rotation. */
    public Verification verifyWith(SharedSecret key, String token) {
        return new TokenVerifier(issuer, () -> key, clock).verify(token);
    }

    /** Verifies with the current shared secret, accepting HS256, HS384 and HS512 as Portworx does. */
    public Verification verify(String token) {
        return verify(token, SHARED_SECRET_ALGORITHMS);
    }

    /**
     * @param algorithms the HMAC algorithms accepted; others are reported as Portworx would report them
     * @throws io.pxtoken.keys.KeyUnavailableException when no shared secret is loaded
     */
    public Verification verify(String token, Set<String> algorithms) {
        // Go's strings.Split: "a..b" has three parts, "" has one
        String[] parts = token.split("\\.", -1);
        Map<String, Object> claims = parts.length == 3 ? mapClaims(parts[1]) : null;
        Verdict verdict = new Verdict(claims);

        // 1. openstorage auth.TokenClaims / TokenIssuer: the payload as the Claims struct
        if (parts.length < 3) {
            // Go quotes the whole token here; a token is never repeated in a message
            return verdict.reject("malformed",
                    "Unable to obtain token issuer from authorization token: Token is invalid: (token not shown)");
        }
        GoDecode.Claims struct;
        try {
            byte[] payload;
            try {
                payload = GoBase64.decode(parts[1]);
            } catch (GoError e) {
                return verdict.reject("malformed", "Failed to decode claims: " + e.getMessage());
            }
            struct = GoDecode.intoClaims(GoJson.parse(payload));
        } catch (GoError e) {
            return verdict.reject("malformed", "Unable to get information from the claims in the token: " + e.getMessage());
        }
        if (struct == null) {
            // payload "null": TokenIssuer reads the issuer through a nil *Claims and Portworx's goroutine panics
            return verdict.reject("malformed", "runtime error: invalid memory address or nil pointer dereference");
        }
        if (struct.iss().isEmpty()) {
            return verdict.reject("no-issuer", "Issuer was not specified in the token");
        }
        // 2. the SDK server's authenticator lookup, an exact map key
        if (!issuer.equals(struct.iss())) {
            return verdict.reject("untrusted-issuer", shownIssuer(struct.iss()) + " is not a trusted issuer");
        }

        // 3. golang-jwt v4.3.0 Parser.ParseUnverified
        if (parts.length != 3) {
            return verdict.reject("malformed", "token contains an invalid number of segments");
        }
        Map<String, Object> header;
        try {
            byte[] headerBytes;
            try {
                headerBytes = GoBase64.decode(parts[0]);
            } catch (GoError e) {
                if (token.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
                    return verdict.reject("malformed", "tokenstring should not contain 'bearer '");
                }
                throw e;
            }
            header = GoDecode.intoMap(GoJson.parse(headerBytes));
            // claims: TokenIssuer already accepted these bytes, so only a number beyond float64 can fail here
            GoDecode.intoMap(GoJson.parse(GoBase64.decode(parts[1])));
        } catch (GoError e) {
            return verdict.reject("malformed", e.getMessage());
        }
        Object alg = header == null ? null : header.get("alg");
        if (!(alg instanceof String algorithm)) {
            return verdict.reject("unknown-algorithm", "signing method (alg) is unspecified.");
        }
        if (!KNOWN_ALGORITHMS.contains(algorithm)) {
            return verdict.reject("unknown-algorithm", "signing method (alg) is unavailable.");
        }
        // openstorage's key function: by prefix
        boolean hmac = algorithm.startsWith("HS");
        if (!hmac && !algorithm.startsWith("RS") && !algorithm.startsWith("ES")) {
            return verdict.reject("unknown-algorithm", "Unknown token algorithm: " + algorithm);
        }
        if (hmac && !algorithms.contains(algorithm)) {
            return verdict.reject("unknown-algorithm",
                    algorithm + " is not accepted here; use " + String.join(", ", algorithms));
        }

        // Parser.ParseWithClaims: MapClaims.Valid (the last failing check names the error), then the signature
        long now = clock.instant().getEpochSecond();
        String result = null;
        String reason = null;
        if (claims.containsKey(TokenIssuer.EXP) && !GoTime.expiresAtOk(claims.get(TokenIssuer.EXP), now)) {
            result = "expired";
            reason = "Token is expired";
        }
        if (claims.containsKey(TokenIssuer.IAT) && !GoTime.notAfterNow(claims.get(TokenIssuer.IAT), now)) {
            result = "used-before-issued";
            reason = "Token used before issued";
        }
        if (claims.containsKey("nbf") && !GoTime.notAfterNow(claims.get("nbf"), now)) {
            result = "not-yet-valid";
            reason = "Token is not valid yet";
        }
        String signatureError = hmac ? hmacError(algorithm, parts) : publicKeyError(parts[2]);
        if (signatureError != null) {
            result = signatureError.equals("signature is invalid") ? "signature-invalid" : "malformed";
            if (!hmac && signatureError.equals("key is of invalid type")) {
                result = "unknown-algorithm";
            }
            reason = signatureError;
        }
        if (result != null) {
            return verdict.reject(result, reason);
        }

        // 4. openstorage AuthenticateToken: required claims (present, whatever the value), then the username
        for (String name : REQUIRED) {
            if (!claims.containsKey(name)) {
                return verdict.reject("missing-claim", "Required claim " + name + " missing from token");
            }
        }
        if (struct.sub().isEmpty()) {
            return verdict.reject("empty-username", "System set to use the value of sub as the username,"
                    + " therefore the value of sub in the token cannot be empty");
        }
        return new Verification(true, "valid", null, claims, expiresAt(claims));
    }

    /** golang-jwt's {@code SigningMethodHMAC.Verify}: the signature segment decoded first, then compared. */
    private String hmacError(String algorithm, String[] parts) {
        byte[] signature;
        try {
            signature = GoBase64.decode(parts[2]);
        } catch (GoError e) {
            return e.getMessage();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA" + algorithm.substring(2));
            mac.init(keys.get().key());
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, signature) ? null : "signature is invalid";
        } catch (GeneralSecurityException e) {
            return "signature is invalid";
        }
    }

    /**
     * RS* and ES* tokens: Portworx checks them with its public key files, which this service does not have; with only
     * a shared secret configured, golang-jwt decodes the signature and then finds no key of the right type.
     */
    private static String publicKeyError(String signature) {
        try {
            GoBase64.decode(signature);
            return "key is of invalid type";
        } catch (GoError e) {
            return e.getMessage();
        }
    }

    /** Issuers are repeated as Portworx repeats them, unless one looks like a pasted token. */
    private static String shownIssuer(String iss) {
        return iss.length() > MAX_SHOWN_ISSUER || iss.contains("eyJ") ? "(issuer not shown)" : iss;
    }

    private static Map<String, Object> mapClaims(String segment) {
        try {
            Map<String, Object> map = GoDecode.intoMap(GoJson.parse(GoBase64.decode(segment)));
            return map;
        } catch (GoError e) {
            return null;
        }
    }

    /** The exp claim as an instant when it is a non-zero number an {@link Instant} can hold. */
    private static Instant expiresAt(Map<String, Object> claims) {
        if (claims == null || !(claims.get(TokenIssuer.EXP) instanceof java.lang.Number n)) {
            return null;
        }
        double exp = Math.floor(n.doubleValue());
        if (exp == 0 || exp < Instant.MIN.getEpochSecond() || exp > Instant.MAX.getEpochSecond()) {
            return null;
        }
        return Instant.ofEpochSecond((long) exp);
    }

    /** A verdict on a token whose payload, if it decodes, is shown as {@code claims}. */
    private record Verdict(Map<String, Object> claims) {

        Verification reject(String result, String reason) {
            return new Verification(false, result, reason, claims, expiresAt(claims));
        }
    }
}
