package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pxtoken.TestAsymmetricKeys;
import io.pxtoken.keys.AsymmetricKey;
import io.pxtoken.keys.KeyNotLoadedException;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SigningAlgorithm;

/**
 * RS256 and ES256 as pxctl signs them (PORTWORX-TOKENS.md, section 9), and Portworx's verdicts on RS* and ES* tokens:
 * the key chosen by the alg prefix, golang-jwt's texts, R||S signatures. Cross-checked with nimbus-jose-jwt, a JWT
 * library that takes no part in signing or verifying here.
 */
class AsymmetricTokenTest {

    static final long NOW = 1_700_000_000L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    static final String SECRET = "an-hs256-secret-of-at-least-32-bytes!";
    static final SharedSecret SHARED = new SharedSecret(SECRET.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    static final KeyPair RSA = TestAsymmetricKeys.RSA;
    static final KeyPair EC = TestAsymmetricKeys.EC;
    static final KeyPair OTHER_RSA = TestAsymmetricKeys.rsa(2048);
    static final KeyPair OTHER_EC = TestAsymmetricKeys.ec("secp256r1");
    static final UserClaims CLAIMS = new UserClaims("Storage Administrator", "admin@example.com", "admin@example.com",
            List.of("system.admin"), List.of("*"));

    @BeforeAll
    static void smallryeConfig() {
        TokenIssuerTest.smallryeConfig();
    }

    static TokenIssuer issuer(SharedSecret secret, KeyPair rsa, KeyPair ec) {
        return new TokenIssuer("portworx.com", "1d", "1y", Duration.ofMinutes(10),
                List.of("system.admin", "system.user", "system.view"), Map.of(), () -> {
                    if (secret == null) {
                        throw new KeyUnavailableException("no shared secret");
                    }
                    return secret;
                }, a -> {
                    KeyPair p = a == SigningAlgorithm.RS256 ? rsa : ec;
                    if (p == null) {
                        throw new KeyNotLoadedException(a, "no " + a + " key is loaded: " + a.fileName() + " does not exist");
                    }
                    return AsymmetricKey.of(a, p, Instant.EPOCH);
                }, SigningAlgorithm.HS256, new io.pxtoken.token.TokenMetrics(new SimpleMeterRegistry()), CLOCK,
                () -> java.util.UUID.randomUUID().toString());
    }

    /** A Portworx node holding these keys (any may be null). */
    static Verification portworx(SharedSecret secret, KeyPair rsa, KeyPair ec, String token) {
        TokenVerifier v = new TokenVerifier("portworx.com", () -> secret, a -> null, CLOCK);
        return v.verifyWith(secret, rsa == null ? null : rsa.getPublic(), ec == null ? null : ec.getPublic(), token);
    }

    @ParameterizedTest
    @ValueSource(strings = { "RS256", "ES256" })
    void signsWhatPxctlSignsWithTheKeyFile(String alg) throws Exception {
        IssuedToken t = issuer(SHARED, RSA, EC).issue(issuer(SHARED, RSA, EC).check(CLAIMS, TokenDuration.parse("d", "1y")),
                SigningAlgorithm.valueOf(alg));
        assertEquals(alg, t.algorithm());
        String[] parts = t.token().split("\\.");
        // golang-jwt's header members, exactly: {"alg":"<alg>","typ":"JWT"} (bytes pinned in TokenIssuerTest)
        assertEquals(Map.of("alg", alg, "typ", "JWT"), GoDecode.intoMap(GoJson.parse(Base64.getUrlDecoder().decode(parts[0]))));

        SignedJWT jwt = SignedJWT.parse(t.token());
        assertEquals(JWSAlgorithm.parse(alg), jwt.getHeader().getAlgorithm());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        assertEquals(Set.of("alg", "typ"), jwt.getHeader().toJSONObject().keySet());
        assertTrue(jwt.verify(alg.equals("RS256") ? new RSASSAVerifier((RSAPublicKey) RSA.getPublic())
                : new ECDSAVerifier((ECPublicKey) EC.getPublic())), "signature, checked by nimbus");
        if (alg.equals("ES256")) {
            assertEquals(64, Base64.getUrlDecoder().decode(parts[2]).length, "JOSE R||S, not DER");
        }
        Map<String, Object> c = jwt.getJWTClaimsSet().toJSONObject();
        assertEquals(Set.of("iss", "sub", "name", "email", "roles", "groups", "iat", "exp", "jti"), c.keySet());
        assertEquals(NOW - 600, ((Number) c.get("iat")).longValue());
        assertEquals(NOW + 365L * 86400, ((Number) c.get("exp")).longValue());

        // the HS256 token of the same request carries the same claims in the same order
        IssuedToken hs = issuer(SHARED, RSA, EC).issue(issuer(SHARED, RSA, EC).check(CLAIMS, TokenDuration.parse("d", "1y")),
                SigningAlgorithm.HS256);
        assertEquals(payloadWithoutJti(hs.token()), payloadWithoutJti(t.token()));

        assertTrue(portworx(SHARED, RSA, EC, t.token()).valid());
        assertTrue(portworx(null, alg.equals("RS256") ? RSA : null, alg.equals("ES256") ? EC : null, t.token()).valid(),
                "a node trusting only the public key");
    }

    @Test
    void fingerprintIsOfThePublicKey() {
        IssuedToken t = issuer(null, RSA, null).issue(issuer(null, RSA, null).check(CLAIMS, null), SigningAlgorithm.RS256);
        assertEquals(SharedSecret.fingerprint(RSA.getPublic().getEncoded()), t.keyFingerprint());
    }

    @Test
    void aKeyNotLoadedIsNamed() {
        TokenIssuer onlySecret = issuer(SHARED, null, null);
        KeyNotLoadedException e = assertThrows(KeyNotLoadedException.class,
                () -> onlySecret.issue(onlySecret.check(CLAIMS, null), SigningAlgorithm.ES256));
        assertTrue(e.getMessage().contains("ecdsa-private-key"), e.getMessage());
        TokenIssuer onlyRsa = issuer(null, RSA, null);
        assertThrows(KeyUnavailableException.class, () -> onlyRsa.issue(onlyRsa.check(CLAIMS, null), SigningAlgorithm.HS256));
    }

    @Test
    void rs384AndRs512AreCheckedWithTheRsaKey() throws Exception {
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512)) {
            String token = nimbus(alg, new RSASSASigner(RSA.getPrivate()));
            assertTrue(portworx(SHARED, RSA, EC, token).valid(), alg.getName());
            Verification wrong = portworx(SHARED, OTHER_RSA, EC, token);
            assertEquals("crypto/rsa: verification error", wrong.reason(), alg.getName());
            assertEquals("signature-invalid", wrong.result());
            assertEquals("key is of invalid type", portworx(SHARED, null, EC, token).reason(), alg.getName());
        }
    }

    @Test
    void es256IsCheckedWithTheEcdsaKey() throws Exception {
        String token = nimbus(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) EC.getPrivate()));
        assertTrue(portworx(null, null, EC, token).valid());
        assertEquals("crypto/ecdsa: verification error", portworx(SHARED, RSA, OTHER_EC, token).reason());
        assertEquals("key is of invalid type", portworx(SHARED, RSA, null, token).reason());
        // an ES384 token cannot be read with a P-256 signature's 64 bytes: golang-jwt wants 96
        String es384 = token.replaceFirst("^[^.]+", b64("{\"alg\":\"ES384\",\"typ\":\"JWT\"}"));
        assertEquals("crypto/ecdsa: verification error", portworx(SHARED, RSA, EC, es384).reason());
    }

    @Test
    void aDerEcdsaSignatureIsRefusedAsGolangJwtRefusesIt() throws Exception {
        IssuedToken t = issuer(SHARED, RSA, EC).issue(issuer(SHARED, RSA, EC).check(CLAIMS, null), SigningAlgorithm.ES256);
        String[] parts = t.token().split("\\.");
        byte[] raw = Base64.getUrlDecoder().decode(parts[2]);
        byte[] der = toDer(raw);
        String derToken = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(der);
        assertEquals("crypto/ecdsa: verification error", portworx(SHARED, RSA, EC, derToken).reason());
    }

    @Test
    void anHsTokenWhenOnlyAnRsaKeyIsLoaded() throws Exception {
        String hs = nimbus(JWSAlgorithm.HS256, new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        Verification v = portworx(null, RSA, null, hs);
        assertFalse(v.valid());
        assertEquals("key is of invalid type", v.reason());
        assertTrue(portworx(SHARED, RSA, null, hs).valid());
    }

    @Test
    void algorithmConfusionWithThePublicPem() throws Exception {
        byte[] pem = TestAsymmetricKeys.publicPem(RSA).getBytes(StandardCharsets.US_ASCII);
        String forged = nimbus(JWSAlgorithm.HS256, new MACSigner(pem));
        assertEquals("signature is invalid", portworx(SHARED, RSA, null, forged).reason());
        assertEquals("key is of invalid type", portworx(null, RSA, null, forged).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = { "PS256", "EdDSA", "none" })
    void otherAlgorithmsAreUnknown(String alg) {
        String token = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claimsJson()) + ".c2ln";
        assertEquals("Unknown token algorithm: " + alg, portworx(SHARED, RSA, EC, token).reason());
    }

    @Test
    void aWrongSignatureOutranksExpiry() throws Exception {
        // a wrong signature outranks an expired token, as in golang-jwt
        String expired = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claimsJson().replace("\"exp\":" + (NOW + 100),
                "\"exp\":" + (NOW - 1)));
        String signed = expired + "." + sign(expired, RSA, "SHA256withRSA");
        assertEquals("Token is expired", portworx(SHARED, RSA, EC, signed).reason());
        assertEquals("crypto/rsa: verification error", portworx(SHARED, OTHER_RSA, EC, signed).reason());
    }

    /** Random claims, both algorithms: a token the service signs is valid on a node holding only its public key. */
    @Test
    void randomClaimsRoundTrip() {
        long seed = Long.getLong("pxtoken.property.seed", System.nanoTime());
        Random random = new Random(seed);
        TokenIssuer issuer = issuer(null, RSA, EC);
        for (int i = 0; i < 100; i++) {
            String name = randomText(random);
            UserClaims c = new UserClaims(name.isBlank() ? "n" : name, randomText(random), "",
                    List.of(List.of("system.admin", "system.user", "system.view").get(random.nextInt(3))),
                    random.nextBoolean() ? null : List.of(randomText(random)));
            SigningAlgorithm alg = random.nextBoolean() ? SigningAlgorithm.RS256 : SigningAlgorithm.ES256;
            IssuedToken t;
            try {
                t = issuer.issue(issuer.check(c, null), alg);
            } catch (InvalidClaimsException e) {
                continue;
            }
            Verification v = portworx(null, alg == SigningAlgorithm.RS256 ? RSA : null,
                    alg == SigningAlgorithm.ES256 ? EC : null, t.token());
            assertTrue(v.valid(), "seed " + seed + " case " + i + ": " + v.reason());
            Verification other = portworx(SHARED, alg == SigningAlgorithm.RS256 ? OTHER_RSA : RSA,
                    alg == SigningAlgorithm.ES256 ? OTHER_EC : EC, t.token());
            assertEquals("signature-invalid", other.result(), "seed " + seed + " case " + i);
        }
    }

    @Test
    void parsingAnAlgorithm() {
        assertEquals(SigningAlgorithm.RS256, SigningAlgorithm.parse("RS256"));
        assertNull(SigningAlgorithm.parse(null));
        assertThrows(IllegalArgumentException.class, () -> SigningAlgorithm.parse("rs256"));
        assertThrows(IllegalArgumentException.class, () -> SigningAlgorithm.parse("RS384"));
        assertEquals(SigningAlgorithm.RS256, SigningAlgorithm.ofFamily("RS512"));
        assertNull(SigningAlgorithm.ofFamily("PS256"));
    }

    private static String randomText(Random random) {
        String alphabet = "abcXYZ019 <>&\"'\\/é€😀\u0000\u2028";
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return b.toString();
    }

    private static String claimsJson() {
        return "{\"email\":\"a@b.c\",\"exp\":" + (NOW + 100) + ",\"iat\":" + (NOW - 100)
                + ",\"iss\":\"portworx.com\",\"name\":\"n\",\"roles\":[\"system.user\"],\"sub\":\"s\"}";
    }

    private static String nimbus(JWSAlgorithm alg, com.nimbusds.jose.JWSSigner signer) throws Exception {
        JWTClaimsSet claims = JWTClaimsSet.parse(claimsJson());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String sign(String signingInput, KeyPair pair, String algorithm) throws Exception {
        java.security.Signature s = java.security.Signature.getInstance(algorithm);
        s.initSign(pair.getPrivate());
        s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String payloadWithoutJti(String token) {
        String json = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return json.replaceAll("\"jti\":\"[^\"]*\",", "");
    }

    private static byte[] toDer(byte[] raw) {
        byte[] r = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, 32)).toByteArray();
        byte[] s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(raw, 32, 64)).toByteArray();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x30);
        out.write(4 + r.length + s.length);
        out.write(0x02);
        out.write(r.length);
        out.writeBytes(r);
        out.write(0x02);
        out.write(s.length);
        out.writeBytes(s);
        return out.toByteArray();
    }

}
