package io.pxtoken.token;

import static io.pxtoken.token.KnownAnswers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.pxtoken.keys.SharedSecret;

class TokenVerifierTest {

    static TokenVerifier verifier(String issuer, String secret, long now) {
        SharedSecret key = new SharedSecret(secret.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
        return new TokenVerifier(issuer, () -> key, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
    }

    static TokenVerifier v2At(long now) {
        return verifier(V2_ISSUER, V2_SECRET, now);
    }

    @ParameterizedTest
    @CsvSource({
            "1567443622, true, ",
            "1567530021, true, ",
            "1567530022, false, Token is expired",
            "1700000000, false, Token is expired",
            "1567443621, false, Token used before issued",
    })
    void v1FromThePortworxDocs(long now, boolean valid, String reason) {
        Verification v = verifier(V1_ISSUER, V1_SECRET, now).verify(V1);
        assertEquals(valid, v.valid(), () -> String.valueOf(v.reason()));
        assertEquals(reason, v.reason());
        assertEquals("jstevens@portworx.com/jstevens", v.claims().get("sub"));
        assertEquals(Instant.ofEpochSecond(V1_EXP), v.expiresAt());
    }

    @ParameterizedTest
    @CsvSource({
            "1699999400, true, ",
            "1700086399, true, ",
            "1700086400, false, Token is expired",
            "1699999399, false, Token used before issued",
    })
    void v2FromTheOperator(long now, boolean valid, String reason) {
        Verification v = v2At(now).verify(V2);
        assertEquals(valid, v.valid(), () -> String.valueOf(v.reason()));
        assertEquals(reason, v.reason());
        assertEquals(List.of(), v.claims().get("groups"));
        assertEquals(List.of("system.user"), v.claims().get("roles"));
    }

    @Test
    void aWrongSecretIsAnInvalidSignature() {
        Verification v = verifier(V2_ISSUER, V2_SECRET + "x", V2_IAT).verify(V2);
        assertEquals("signature is invalid", v.reason());
        assertEquals("signature-invalid", v.result());
    }

    @Test
    void aTamperedPayloadIsAnInvalidSignature() {
        String[] p = V2.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                .replace("system.user", "system.admin");
        String tampered = p[0] + "." + b64(payload) + "." + p[2];
        assertEquals("signature is invalid", v2At(V2_IAT).verify(tampered).reason());
        String flippedSig = p[0] + "." + p[1] + "." + (p[2].charAt(0) == 'A' ? 'B' : 'A') + p[2].substring(1);
        assertEquals("signature is invalid", v2At(V2_IAT).verify(flippedSig).reason());
    }

    @Test
    void aBadSignatureOutranksExpiryAsInGolangJwt() {
        Verification v = verifier(V2_ISSUER, "another-secret-another-secret-xx", V2_EXP + 10).verify(V2);
        assertEquals("signature is invalid", v.reason());
    }

    @Test
    void aWrongIssuerIsNotTrusted() {
        Verification v = verifier("portworx.com", V2_SECRET, V2_IAT).verify(V2);
        assertFalse(v.valid());
        assertEquals("operator.portworx.io is not a trusted issuer", v.reason());
    }

    @Test
    void algNoneIsAnUnknownAlgorithm() {
        String payload = V2.split("\\.")[1];
        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";
        assertEquals("Unknown token algorithm: none", v2At(V2_IAT).verify(none).reason());
    }

    @ParameterizedTest
    @CsvSource({ "PS256, Unknown token algorithm: PS256", "EdDSA, Unknown token algorithm: EdDSA",
            "HS1, signing method (alg) is unavailable." })
    void otherAlgorithmsAreRefused(String alg, String reason) {
        String[] p = V2.split("\\.");
        String token = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + p[1] + "." + p[2];
        assertEquals(reason, v2At(V2_IAT).verify(token).reason());
    }

    @Test
    void rsaTokensNeedPortworxsPublicKeyNotTheSharedSecret() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(), claims().build());
        jwt.sign(new RSASSASigner((RSAPrivateKey) g.generateKeyPair().getPrivate()));
        assertTrue(v2At(V2_IAT + 1).verify(jwt.serialize()).reason().startsWith("key is of invalid type"));
    }

    @ParameterizedTest
    @CsvSource({ "HS256", "HS384", "HS512" })
    void acceptsEveryHmacAlgorithmPortworxAccepts(String alg) throws Exception {
        String token = sign(JWSAlgorithm.parse(alg), claims().build());
        Verification v = v2At(V2_IAT + 1).verify(token);
        assertTrue(v.valid(), v.reason());
        assertNull(v.reason());
    }

    @Test
    void aRestrictedVerifierRefusesOtherHmacAlgorithms() throws Exception {
        String token = sign(JWSAlgorithm.HS512, claims().build());
        assertFalse(v2At(V2_IAT + 1).verify(token, Set.of("HS256")).valid());
        assertTrue(v2At(V2_IAT + 1).verify(V2, Set.of("HS256")).valid());
    }

    @ParameterizedTest
    @CsvSource({ "iss", "sub", "exp", "iat", "name", "email" })
    void requiresEveryClaimPortworxRequires(String missing) throws Exception {
        JWTClaimsSet.Builder b = claims();
        b.claim(missing, null);
        Verification v = v2At(V2_IAT + 1).verify(sign(JWSAlgorithm.HS256, b.build()));
        assertFalse(v.valid());
        String expected = missing.equals("iss") ? "Issuer was not specified in the token"
                : "Required claim " + missing + " missing from token";
        assertEquals(expected, v.reason());
    }

    @Test
    void anEmptyValueIsPresentButAnEmptySubIsNoUsername() throws Exception {
        assertTrue(v2At(V2_IAT + 1).verify(sign(JWSAlgorithm.HS256, claims().claim("email", "").claim("name", "").build())).valid());
        Verification v = v2At(V2_IAT + 1).verify(sign(JWSAlgorithm.HS256, claims().claim("sub", "").build()));
        assertEquals("empty-username", v.result());
    }

    @Test
    void timeClaimsFollowGolangJwt() throws Exception {
        long now = V2_IAT + 1;
        assertTrue(v2At(now).verify(sign(JWSAlgorithm.HS256, claims().claim("exp", 0).build())).valid(), "exp 0 never expires");
        assertEquals("Token is expired", v2At(now).verify(sign(JWSAlgorithm.HS256, claims().claim("exp", "tomorrow").build())).reason());
        assertEquals("Token used before issued", v2At(now).verify(sign(JWSAlgorithm.HS256, claims().claim("iat", "x").build())).reason());
        assertEquals("Token is not valid yet", v2At(now).verify(sign(JWSAlgorithm.HS256, claims().claim("nbf", now + 1).build())).reason());
        assertTrue(v2At(now).verify(sign(JWSAlgorithm.HS256, claims().claim("nbf", now).build())).valid());
        // several failures: golang-jwt reports the last one it found (exp, then iat, then nbf)
        assertEquals("Token used before issued", v2At(now).verify(sign(JWSAlgorithm.HS256,
                claims().claim("exp", now - 1).claim("iat", now + 5).build())).reason());
    }

    @Test
    void malformedTokensSayWhy() {
        String[] p = V2.split("\\.");
        // openstorage auth.TokenClaims: fewer than three segments (Go quotes the token; we never do)
        assertEquals("Unable to obtain token issuer from authorization token: Token is invalid: (token not shown)",
                v2At(V2_IAT).verify(p[0] + "." + p[1]).reason());
        // golang-jwt ParseUnverified: TokenClaims accepted four segments, the parser does not
        assertEquals("token contains an invalid number of segments", v2At(V2_IAT).verify(V2 + ".d").reason());
        // auth.TokenClaims: jwt.DecodeSegment is RawURLEncoding, so padding is an illegal byte
        assertEquals("Failed to decode claims: illegal base64 data at input byte " + p[1].length(),
                v2At(V2_IAT).verify(p[0] + "." + p[1] + "==." + p[2]).reason());
        assertEquals("Failed to decode claims: illegal base64 data at input byte 0", v2At(V2_IAT).verify(p[0] + ".!!!." + p[2]).reason());
        // auth.TokenClaims: encoding/json into the Claims struct
        assertEquals("Unable to get information from the claims in the token: json: cannot unmarshal string into Go struct field Claims.roles of type []string",
                v2At(V2_IAT).verify(p[0] + "." + b64("{\"iss\":\"operator.portworx.io\",\"roles\":\"system.user\"}") + "." + p[2]).reason());
        assertNull(v2At(V2_IAT).verify("garbage").claims());
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(V2_ISSUER).subject("someone@example.com")
                .claim("name", "Some One").claim("email", "someone@example.com")
                .claim("roles", List.of("system.user"))
                .issueTime(new Date(V2_IAT * 1000)).expirationTime(new Date(V2_EXP * 1000));
    }

    private static String sign(JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new MACSigner(V2_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
