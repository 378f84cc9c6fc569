package io.pxtoken.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.SecretKey;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;

/**
 * Checks a token the way Portworx does (PORTWORX-TOKENS.md, section 5; libopenstorage's {@code selfsigned.go} over
 * golang-jwt v4), in its order and with its wording: issuer, algorithm, time (zero leeway), signature, required
 * claims, username.
 * <p>
 * Written against the JDK's {@link Mac} rather than a JWT library on purpose: the point is to reproduce Portworx's
 * parser (no base64 padding, which message wins when several checks fail), which a library would paper over.
 * Tests cross-check it with an independent JWT implementation.
 */
@ApplicationScoped
public class TokenVerifier {

    /** The algorithms Portworx verifies with the shared secret. */
    public static final Set<String> SHARED_SECRET_ALGORITHMS = Set.of("HS256", "HS384", "HS512");
    /** golang-jwt's registry; anything else is "unavailable" before Portworx even looks at it. */
    private static final Set<String> KNOWN_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA", "none");
    private static final List<String> REQUIRED = List.of(TokenIssuer.ISS, TokenIssuer.SUB, TokenIssuer.EXP,
            TokenIssuer.IAT, TokenIssuer.NAME, TokenIssuer.EMAIL);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

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

    /** The payload of a JWT, read without checking anything; null when it is not one. */
    public static Map<String, Object> unverifiedClaims(String token) {
        String[] parts = token.split("\\.", -1);
        return parts.length == 3 ? decodeJson(parts[1]) : null;
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
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return reject("malformed", "token contains an invalid number of segments", null);
        }
        Map<String, Object> claims = decodeJson(parts[1]);
        if (claims == null || !hasGoTypes(claims)) {
            return reject("malformed", "Unable to get information from the claims in the token", null);
        }
        Object iss = claims.get(TokenIssuer.ISS);
        if (iss == null || "".equals(iss)) {
            return reject("no-issuer", "Issuer was not specified in the token", claims);
        }
        if (!issuer.equals(iss)) {
            return reject("untrusted-issuer", iss + " is not a trusted issuer", claims);
        }
        Map<String, Object> header = decodeJson(parts[0]);
        Object alg = header == null ? null : header.get("alg");
        if (!(alg instanceof String) || !KNOWN_ALGORITHMS.contains(alg)) {
            return reject("unknown-algorithm", "signing method (alg) is unavailable.", claims);
        }
        String algorithm = (String) alg;
        if (algorithm.startsWith("RS") || algorithm.startsWith("ES")) {
            return reject("unknown-algorithm", "key is of invalid type (" + algorithm
                    + " tokens are checked with Portworx's public key files, not the shared secret)", claims);
        }
        if (!SHARED_SECRET_ALGORITHMS.contains(algorithm)) {
            return reject("unknown-algorithm", "Unknown token algorithm: " + algorithm, claims);
        }
        if (!algorithms.contains(algorithm)) {
            return reject("unknown-algorithm", algorithm + " is not accepted here; use " + String.join(", ", algorithms), claims);
        }

        // golang-jwt checks the claims, then the signature, and the last failure found names the error.
        long now = clock.instant().getEpochSecond();
        String result = null;
        String reason = null;
        if (!timeOk(claims.get(TokenIssuer.EXP), exp -> now < exp)) {
            result = "expired";
            reason = "Token is expired";
        }
        if (!timeOk(claims.get(TokenIssuer.IAT), iat -> now >= iat)) {
            result = "used-before-issued";
            reason = "Token used before issued";
        }
        if (!timeOk(claims.get("nbf"), nbf -> now >= nbf)) {
            result = "not-yet-valid";
            reason = "Token is not valid yet";
        }
        if (!signatureOk(algorithm, parts)) {
            result = "signature-invalid";
            reason = "signature is invalid";
        }
        if (result != null) {
            return reject(result, reason, claims);
        }
        for (String name : REQUIRED) {
            if (!claims.containsKey(name)) {
                return reject("missing-claim", "Required claim " + name + " missing from token", claims);
            }
        }
        if (claims.get(TokenIssuer.SUB) == null || "".equals(claims.get(TokenIssuer.SUB))) {
            return reject("empty-username", "Token has an empty username claim (sub)", claims);
        }
        return new Verification(true, "valid", null, claims, expiresAt(claims));
    }

    private interface TimeRule {
        boolean holds(double claim);
    }

    /** golang-jwt v4: an absent or zero claim passes; a non-number fails. */
    private static boolean timeOk(Object claim, TimeRule rule) {
        if (claim == null) {
            return true;
        }
        if (!(claim instanceof Number n)) {
            return false;
        }
        double value = n.doubleValue();
        return value == 0 || rule.holds(value);
    }

    private boolean signatureOk(String algorithm, String[] parts) {
        byte[] signature = decode(parts[2]);
        if (signature == null) {
            return false;
        }
        SecretKey key = keys.get().key();
        try {
            Mac mac = Mac.getInstance("HmacSHA" + algorithm.substring(2));
            mac.init(key);
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return MessageDigest.isEqual(expected, signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Go's Claims struct has string fields and string-list roles/groups: other types fail to unmarshal. */
    private static boolean hasGoTypes(Map<String, Object> claims) {
        for (String name : List.of(TokenIssuer.ISS, TokenIssuer.SUB, TokenIssuer.NAME, TokenIssuer.EMAIL)) {
            Object v = claims.get(name);
            if (v != null && !(v instanceof String)) {
                return false;
            }
        }
        for (String name : List.of(TokenIssuer.ROLES, TokenIssuer.GROUPS)) {
            Object v = claims.get(name);
            if (v != null && !(v instanceof List<?> list && list.stream().allMatch(e -> e == null || e instanceof String))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> decodeJson(String segment) {
        byte[] bytes = decode(segment);
        if (bytes == null) {
            return null;
        }
        try {
            return JSON.readValue(bytes, MAP);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** base64url without padding, as golang-jwt's DecodeSegment; {@code null} when it is not. */
    private static byte[] decode(String segment) {
        if (segment.indexOf('=') >= 0) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Instant expiresAt(Map<String, Object> claims) {
        return claims.get(TokenIssuer.EXP) instanceof Number n && n.longValue() != 0
                ? Instant.ofEpochSecond(n.longValue())
                : null;
    }

    private Verification reject(String result, String reason, Map<String, Object> claims) {
        return new Verification(false, result, reason, claims, claims == null ? null : expiresAt(claims));
    }
}
