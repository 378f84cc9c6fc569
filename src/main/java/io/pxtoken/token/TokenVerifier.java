package io.pxtoken.token;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.crypto.Mac;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.keys.AsymmetricKey;
import io.pxtoken.keys.AsymmetricKeyStore;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.keys.SigningAlgorithm;

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
 * The key is chosen as openstorage's {@code JwtAuthenticator} chooses it, by the {@code alg} prefix: {@code HS*} the
 * shared secret, {@code RS*} the RSA public key, {@code ES*} the ECDSA public key (so RS384 is checked with the RSA
 * key), with golang-jwt's texts for a missing key ({@code key is of invalid type}) and a wrong one
 * ({@code crypto/rsa: verification error}, {@code crypto/ecdsa: verification error}); ES signatures are JOSE R||S.
 * Written against the JDK's {@link Mac} and {@link Signature} and small Go-faithful readers ({@link GoBase64}, {@link GoJson},
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
    /** golang-jwt {@code ErrInvalidKeyType}: openstorage holds no key of the token's family. */
    public static final String INVALID_KEY_TYPE = "key is of invalid type";
    /** Go's {@code rsa.ErrVerification}. */
    public static final String RSA_VERIFICATION = "crypto/rsa: verification error";
    /** golang-jwt {@code ErrECDSAVerification}. */
    public static final String ECDSA_VERIFICATION = "crypto/ecdsa: verification error";

    private final String issuer;
    private final Supplier<SharedSecret> keys;
    private final Function<SigningAlgorithm, PublicKey> publicKeys;
    private final Clock clock;

    @Inject
    public TokenVerifier(PxTokenConfig config, SharedSecretStore keys, AsymmetricKeyStore asymmetricKeys, Clock clock) {
        this(config.issuer(), keys::current, a -> {
            AsymmetricKey k = asymmetricKeys.loaded(a);
            return k == null ? null : k.publicKey();
        }, clock);
    }

    TokenVerifier(String issuer, Supplier<SharedSecret> keys, Clock clock) {
        this(issuer, keys, a -> null, clock);
    }

    /**
     * @param keys the shared secret; may throw {@link KeyUnavailableException} when none is loaded
     * @param publicKeys the RSA (for RS256) and ECDSA (for ES256) public keys Portworx would hold; null when absent
     */
    public TokenVerifier(String issuer, Supplier<SharedSecret> keys, Function<SigningAlgorithm, PublicKey> publicKeys,
            Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.publicKeys = publicKeys;
        this.clock = clock;
    }

    /** The payload of a JWT as golang-jwt's {@code MapClaims} reads it, without checking anything; null when it cannot. */
    public static Map<String, Object> unverifiedClaims(String token) {
        String[] parts = token.split("\\.", -1);
        return parts.length == 3 ? mapClaims(parts[1]) : null;
    }

    /** Verifies as Portworx would if it held {@code key}: for reading a token signed before a rotation. */
    public Verification verifyWith(SharedSecret key, String token) {
        return new TokenVerifier(issuer, () -> key, publicKeys, clock).verify(token);
    }

    /** Verifies as Portworx would if it held exactly these keys (any may be null): a node of a simulated fleet. */
    public Verification verifyWith(SharedSecret secret, PublicKey rsa, PublicKey ecdsa, String token) {
        return new TokenVerifier(issuer, () -> {
            if (secret == null) {
                throw new KeyUnavailableException("no shared secret");
            }
            return secret;
        }, a -> a == SigningAlgorithm.RS256 ? rsa : a == SigningAlgorithm.ES256 ? ecdsa : null, clock).verify(token);
    }

    /** Verifies with the current shared secret, accepting HS256, HS384 and HS512 as Portworx does. */
    public Verification verify(String token) {
        return verify(token, SHARED_SECRET_ALGORITHMS);
    }

    /**
     * @param algorithms the HMAC algorithms accepted; others are reported as Portworx would report them
     * @throws io.pxtoken.keys.KeyUnavailableException when no key at all is loaded (Portworx would not start)
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
        String signatureError = hmac ? hmacError(algorithm, parts, sharedSecret()) : publicKeyError(algorithm, parts);
        if (signatureError != null) {
            result = signatureError.equals("signature is invalid") || signatureError.equals(RSA_VERIFICATION)
                    || signatureError.equals(ECDSA_VERIFICATION) ? "signature-invalid" : "malformed";
            if (signatureError.equals(INVALID_KEY_TYPE)) {
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

    /**
     * The shared secret, or null when none is loaded but a public key is (openstorage then holds a nil HMAC key).
     *
     * @throws KeyUnavailableException when no key at all is loaded (Portworx would not start)
     */
    private SharedSecret sharedSecret() {
        try {
            return keys.get();
        } catch (KeyUnavailableException e) {
            if (publicKeys.apply(SigningAlgorithm.RS256) == null && publicKeys.apply(SigningAlgorithm.ES256) == null) {
                throw e;
            }
            return null;
        }
    }

    /**
     * golang-jwt's {@code SigningMethodHMAC.Verify}: the key's type first (no shared secret configured: openstorage
     * hands over a nil key), then the signature segment decoded, then compared.
     */
    private static String hmacError(String algorithm, String[] parts, SharedSecret secret) {
        if (secret == null) {
            return INVALID_KEY_TYPE;
        }
        byte[] signature;
        try {
            signature = GoBase64.decode(parts[2]);
        } catch (GoError e) {
            return e.getMessage();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA" + algorithm.substring(2));
            mac.init(secret.key());
            byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, signature) ? null : "signature is invalid";
        } catch (GeneralSecurityException e) {
            return "signature is invalid";
        }
    }

    /**
     * golang-jwt's {@code SigningMethodRSA.Verify} and {@code SigningMethodECDSA.Verify}: the signature segment
     * decoded first, then the key's type (the family's key not configured: {@code key is of invalid type}), then
     * PKCS#1 v1.5, or R||S split at the algorithm's key size (32, 48, 66 bytes) whatever the key's curve.
     */
    private String publicKeyError(String algorithm, String[] parts) {
        byte[] signature;
        try {
            signature = GoBase64.decode(parts[2]);
        } catch (GoError e) {
            return e.getMessage();
        }
        boolean rsa = algorithm.startsWith("RS");
        PublicKey key = publicKeys.apply(rsa ? SigningAlgorithm.RS256 : SigningAlgorithm.ES256);
        if (key == null) {
            return INVALID_KEY_TYPE;
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8);
        String bits = algorithm.substring(2);
        try {
            if (rsa) {
                Signature v = Signature.getInstance("SHA" + bits + "withRSA");
                v.initVerify(key);
                v.update(signed);
                return v.verify(signature) ? null : RSA_VERIFICATION;
            }
            int size = switch (bits) {
                case "256" -> 32;
                case "384" -> 48;
                default -> 66;
            };
            if (signature.length != 2 * size) {
                return ECDSA_VERIFICATION;
            }
            BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 0, size));
            BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, size, 2 * size));
            if (r.signum() == 0 || s.signum() == 0) {
                return ECDSA_VERIFICATION;
            }
            Signature v = Signature.getInstance("SHA" + bits + "withECDSA");
            v.initVerify(key);
            v.update(signed);
            return v.verify(derSignature(r, s)) ? null : ECDSA_VERIFICATION;
        } catch (GeneralSecurityException | RuntimeException e) {
            return rsa ? RSA_VERIFICATION : ECDSA_VERIFICATION;
        }
    }

    /** ASN.1 {@code SEQUENCE { INTEGER r, INTEGER s }}, the form the JDK verifies. */
    private static byte[] derSignature(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        derInteger(body, rb);
        derInteger(body, sb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        derLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void derInteger(ByteArrayOutputStream out, byte[] value) {
        out.write(0x02);
        derLength(out, value.length);
        out.writeBytes(value);
    }

    private static void derLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
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
