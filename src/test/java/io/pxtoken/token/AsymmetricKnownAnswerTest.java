package io.pxtoken.token;

import static io.pxtoken.token.KnownAnswers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pxtoken.keys.AsymmetricKey;
import io.pxtoken.keys.KeyNotLoadedException;
import io.pxtoken.keys.SigningAlgorithm;
import io.pxtoken.keys.TestKeyFiles;

/**
 * The RS256 and ES256 known-answer vectors V3 and V4 ({@link KnownAnswers}): V1's claims signed with the committed
 * test-only keys under {@code src/test/resources/test-only-keys/}, computed with openssl alone by {@code vectors.sh}
 * there:
 * <pre>
 * b64url() { basenc --base64url | tr -d '=\n'; }
 * H=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url)
 * P=$(printf '%s' '{"email":"jstevens@portworx.com","exp":1567530022,"groups":["*"],"iat":1567443622,
 *       "iss":"my_issuer","jti":"00000000-0000-4000-8000-000000000023","name":"Jim Stevens",
 *       "roles":["system.user"],"sub":"jstevens@portworx.com/jstevens"}' | b64url)      # one line, no spaces
 * S=$(printf '%s' "$H.$P" | openssl dgst -sha256 -sign rsa-2048-private-key.pem | b64url)   # V3 = $H.$P.$S
 * # V4: the ES256 header, the same payload, openssl dgst -sha256 -sign ecdsa-p256-private-key.pem (DER),
 * # then r and s from openssl asn1parse, each left-padded to 32 bytes, concatenated (xxd -r -p) and b64url
 * </pre>
 * The keys are read by the service's own PEM reader (PKCS#1 for RSA, SEC1 with its EC PARAMETERS block for ECDSA).
 */
class AsymmetricKnownAnswerTest {

    static final AsymmetricKey RSA = TestKeyFiles.read(SigningAlgorithm.RS256, pem(V3_RSA_KEY));
    static final AsymmetricKey EC = TestKeyFiles.read(SigningAlgorithm.ES256, pem(V4_ECDSA_KEY));
    static final UserClaims V1_CLAIMS = new UserClaims("Jim Stevens", "jstevens@portworx.com",
            "jstevens@portworx.com/jstevens", List.of("system.user"), List.of("*"));

    @BeforeAll
    static void smallryeConfig() {
        TokenIssuerTest.smallryeConfig();
    }

    /** The service's issuer as pxctl would run it at V1's iat: no clock skew, 1d, the vector's jti. */
    static TokenIssuer issuerAt(long epochSecond) {
        return new TokenIssuer(V1_ISSUER, "1d", "1y", Duration.ZERO, List.of("system.user"), Map.of(), () -> {
            throw new AssertionError("no shared secret here");
        }, a -> switch (a) {
            case RS256 -> RSA;
            case ES256 -> EC;
            default -> throw new KeyNotLoadedException(a, "no " + a + " key");
        }, SigningAlgorithm.RS256, new TokenMetrics(new SimpleMeterRegistry()),
                Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC), () -> V34_JTI);
    }

    /** A Portworx node trusting the two public keys and no shared secret, at {@code epochSecond}. */
    static Verification portworx(String token, long epochSecond) {
        TokenVerifier v = new TokenVerifier(V1_ISSUER, () -> null, a -> null,
                Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
        return v.verifyWith(null, RSA.publicKey(), EC.publicKey(), token);
    }

    @Test
    void theKeysAreTheOnesOpensslFingerprinted() {
        assertEquals(V3_RSA_FINGERPRINT, RSA.fingerprint());
        assertEquals(V4_ECDSA_FINGERPRINT, EC.fingerprint());
    }

    @Test
    void theServiceMintsV3ByteForByte() {
        TokenIssuer issuer = issuerAt(V1_IAT);
        IssuedToken t = issuer.issue(issuer.check(V1_CLAIMS, TokenDuration.parse("duration", "1d")), SigningAlgorithm.RS256);
        assertEquals(V3, t.token());
        assertEquals(V1_EXP, t.expiresAt().getEpochSecond());
        assertEquals(V3_RSA_FINGERPRINT, t.keyFingerprint());
    }

    @Test
    void theServicesEs256MintHasV4sSigningInputAndAnotherValidSignature() {
        TokenIssuer issuer = issuerAt(V1_IAT);
        IssuedToken t = issuer.issue(issuer.check(V1_CLAIMS, TokenDuration.parse("duration", "1d")), SigningAlgorithm.ES256);
        assertEquals(signingInput(V4), signingInput(t.token()));
        assertTrue(portworx(t.token(), V1_IAT).valid());
    }

    @Test
    void v3AndV4AreValidExactlyFromIatUntilExp() {
        for (String token : List.of(V3, V4)) {
            assertTrue(portworx(token, V1_IAT).valid());
            assertTrue(portworx(token, V1_EXP - 1).valid());
            assertEquals("Token is expired", portworx(token, V1_EXP).reason());
            assertEquals("Token used before issued", portworx(token, V1_IAT - 1).reason());
        }
    }

    @Test
    void aTamperedV4IsRefusedInPortworxsWords() {
        // one claim changed (roles system.user -> system.admin), the signature kept
        String payload = new String(Base64.getUrlDecoder().decode(V4.split("\\.")[1]), StandardCharsets.UTF_8);
        String escalated = payload.replace("\"system.user\"", "\"system.admin\"");
        assertFalse(payload.equals(escalated));
        String[] parts = V4.split("\\.");
        String tamperedClaims = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(escalated.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertEquals("crypto/ecdsa: verification error", portworx(tamperedClaims, V1_IAT).reason());
        assertEquals("signature-invalid", portworx(tamperedClaims, V1_IAT).result());

        // one bit of s flipped
        byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
        sig[63] ^= 1;
        String tamperedSignature = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        assertEquals("crypto/ecdsa: verification error", portworx(tamperedSignature, V1_IAT).reason());

        // V4's signature under V3's header: the RSA key checks it and refuses it
        String swapped = V3.split("\\.")[0] + "." + parts[1] + "." + parts[2];
        assertEquals("crypto/rsa: verification error", portworx(swapped, V1_IAT).reason());
    }

    @Test
    void aTamperedV3IsRefusedInPortworxsWords() {
        String[] parts = V3.split("\\.");
        byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
        sig[0] ^= 1;
        assertEquals("crypto/rsa: verification error", portworx(parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(sig), V1_IAT).reason());
    }

    private static String signingInput(String token) {
        return token.substring(0, token.lastIndexOf('.'));
    }
}
