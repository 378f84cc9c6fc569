package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pxtoken.keys.KeyUnavailableException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SigningAlgorithm;

/** Tokens we sign, read back with nimbus-jose-jwt: a JWT library that had no part in signing them. */
class TokenIssuerTest {

    static final String SECRET = "q9Zb3Jm1cXkG0uPz4VhT7sLwYf2Ra8DnE5oKiU6gNxMtHjB+Qe/Ac1lWvy0dIrS3";
    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeAll
    static void smallryeConfig() {
        // what application.properties sets for the running service
        System.setProperty("smallrye.jwt.sign.relax-key-validation", "true");
        System.setProperty("smallrye.jwt.new-token.add-default-claims", "false");
    }

    static TokenIssuer issuer(String secret) {
        SharedSecret key = new SharedSecret(secret.getBytes(StandardCharsets.UTF_8), NOW);
        return new TokenIssuer("portworx.com", "1d", "1y", Duration.ofMinutes(10),
                List.of("system.admin", "system.user", "system.view"), Map.of("system.admin", "1y"), () -> key,
                new TokenMetrics(new SimpleMeterRegistry()), CLOCK);
    }

    @Test
    void signsTheClaimsPortworxReads() throws Exception {
        UserClaims claims = new UserClaims("Storage Administrator", "admin@example.com", "admin@example.com",
                List.of("system.admin"), List.of("*"));
        IssuedToken t = issuer(SECRET).issue(claims, TokenDuration.parse("duration", "1y"));

        SignedJWT jwt = SignedJWT.parse(t.token());
        assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))), "signature");
        assertEquals(JWSAlgorithm.HS256, jwt.getHeader().getAlgorithm());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        assertEquals(Set.of("alg", "typ"), jwt.getHeader().toJSONObject().keySet());

        Map<String, Object> c = jwt.getJWTClaimsSet().toJSONObject();
        assertEquals(Set.of("iss", "sub", "name", "email", "roles", "groups", "iat", "exp", "jti"), c.keySet());
        assertEquals("portworx.com", c.get("iss"));
        assertEquals("admin@example.com", c.get("sub"));
        assertEquals("Storage Administrator", c.get("name"));
        assertEquals("admin@example.com", c.get("email"));
        assertEquals(List.of("system.admin"), c.get("roles"));
        assertEquals(List.of("*"), c.get("groups"));
        assertEquals(NOW.getEpochSecond() - 600, ((Number) c.get("iat")).longValue());
        assertEquals(NOW.getEpochSecond() + 365 * 86400L, ((Number) c.get("exp")).longValue());
        assertEquals(t.jti(), UUID.fromString((String) c.get("jti")).toString());
        assertEquals(SharedSecret.fingerprint(SECRET.getBytes(StandardCharsets.UTF_8)), t.keyFingerprint());
    }

    /**
     * pxctl's header, byte for byte: golang-jwt marshals its header map with sorted keys, so {@code alg} comes first
     * ({@code eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9} is the first segment of the known-answer vectors V1 and V2).
     */
    @ParameterizedTest
    @CsvSource({ "HS256, eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "RS256, eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
            "ES256, eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9" })
    void writesPxctlsHeaderByteForByte(String alg, String segment) {
        TokenIssuer issuer = AsymmetricTokenTest.issuer(AsymmetricTokenTest.SHARED, AsymmetricTokenTest.RSA,
                AsymmetricTokenTest.EC);
        IssuedToken t = issuer.issue(issuer.check(new UserClaims("n", "", "s", List.of("system.user"), null), null),
                SigningAlgorithm.valueOf(alg));
        String first = t.token().substring(0, t.token().indexOf('.'));
        assertEquals(segment, first);
        assertEquals("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}",
                new String(Base64.getUrlDecoder().decode(first), StandardCharsets.UTF_8));
        assertEquals(KnownAnswers.V1.substring(0, KnownAnswers.V1.indexOf('.')), issuer(SECRET)
                .issue(new UserClaims("n", "", "s", List.of("system.user"), null), null).token().split("\\.")[0]);
    }

    @Test
    void writesTimesAsIntegerSeconds() {
        IssuedToken t = issuer(SECRET).issue(new UserClaims("n", "", "s", List.of("system.user"), null), null);
        String payload = new String(Base64.getUrlDecoder().decode(t.token().split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"exp\":" + (NOW.getEpochSecond() + 86400) + ","), payload);
        assertTrue(payload.contains("\"iat\":" + (NOW.getEpochSecond() - 600) + ","), payload);
        assertFalse(payload.contains("="), "base64url without padding");
        assertFalse(t.token().contains("="));
    }

    @Test
    void keepsTheCallersOrderAndEmptyGroups() throws Exception {
        TokenIssuer issuer = issuer(SECRET);
        IssuedToken ordered = issuer.issue(new UserClaims("n", "", "s", List.of("system.view", "system.admin", "system.user"),
                List.of("zeta", "alpha", "mid")), null);
        Map<String, Object> c = SignedJWT.parse(ordered.token()).getJWTClaimsSet().toJSONObject();
        assertEquals(List.of("system.view", "system.admin", "system.user"), c.get("roles"));
        assertEquals(List.of("zeta", "alpha", "mid"), c.get("groups"));

        IssuedToken empty = issuer.issue(new UserClaims("n", "", "s", List.of("system.user"), List.of()), null);
        assertEquals(List.of(), SignedJWT.parse(empty.token()).getJWTClaimsSet().toJSONObject().get("groups"));

        IssuedToken none = issuer.issue(new UserClaims("n", null, "s", List.of("system.user"), null), null);
        Map<String, Object> n = SignedJWT.parse(none.token()).getJWTClaimsSet().toJSONObject();
        assertFalse(n.containsKey("groups"));
        assertEquals("", n.get("email"));
    }

    @Test
    void derivesAnEmptySub() throws Exception {
        IssuedToken t = issuer(SECRET).issue(new UserClaims("Zoë <ops> & \"co\"", "a@b.c", "", List.of("system.user"), null), null);
        assertEquals("b3BlbnN0b3JhZ2UuaW8vWm/DqyA8b3BzPiAmICJjbyIvYUBiLmM=", SignedJWT.parse(t.token()).getJWTClaimsSet().getSubject());
        assertEquals("Zoë <ops> & \"co\"", SignedJWT.parse(t.token()).getJWTClaimsSet().getStringClaim("name"));
    }

    @Test
    void usesTheSecretBytesExactlyIncludingATrailingNewline() throws Exception {
        String withNewline = SECRET + "\n";
        IssuedToken t = issuer(withNewline).issue(new UserClaims("n", "", "s", List.of("system.user"), null), null);
        SignedJWT jwt = SignedJWT.parse(t.token());
        assertTrue(jwt.verify(new MACVerifier(withNewline.getBytes(StandardCharsets.UTF_8))));
        assertFalse(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aMintedTokenIsValidExactlyFromIatUntilExp() {
        IssuedToken t = issuer(SECRET).issue(new UserClaims("n", "", "s", List.of("system.user"), null),
                TokenDuration.parse("duration", "1h"));
        SharedSecret key = new SharedSecret(SECRET.getBytes(StandardCharsets.UTF_8), NOW);
        long iat = NOW.getEpochSecond() - 600;
        long exp = NOW.getEpochSecond() + 3600;
        assertTrue(verifierAt(key, iat).verify(t.token()).valid());
        assertTrue(verifierAt(key, exp - 1).verify(t.token()).valid());
        assertEquals("Token is expired", verifierAt(key, exp).verify(t.token()).reason());
        assertEquals("Token used before issued", verifierAt(key, iat - 1).verify(t.token()).reason());
    }

    @Test
    void refusesADurationOverTheMaximum() {
        InvalidClaimsException e = assertThrows(InvalidClaimsException.class, () -> issuer(SECRET)
                .issue(new UserClaims("n", "", "s", List.of("system.user"), null), TokenDuration.parse("duration", "366d")));
        assertEquals("duration", e.violations().get(0).field());
        assertTrue(e.getMessage().contains("maximum of 1y"), e.getMessage());
    }

    @Test
    void refusesInvalidClaimsBeforeTouchingTheKey() {
        TokenIssuer noKey = new TokenIssuer("portworx.com", "1d", "1y", Duration.ZERO, List.of("system.user"), Map.of(),
                () -> {
                    throw new KeyUnavailableException("x");
                }, new TokenMetrics(new SimpleMeterRegistry()), CLOCK);
        assertThrows(InvalidClaimsException.class, () -> noKey.issue(new UserClaims("", "", "", List.of(), null), null));
        assertThrows(KeyUnavailableException.class, () -> noKey.issue(new UserClaims("n", "", "", List.of("system.user"), null), null));
    }

    @Test
    void refusesADefaultLongerThanTheMaximum() {
        assertThrows(IllegalStateException.class, () -> new TokenIssuer("i", "2y", "1y", Duration.ZERO, List.of("system.user"), Map.of(),
                () -> null, new TokenMetrics(new SimpleMeterRegistry()), CLOCK));
    }

    @Test
    void toStringNeverShowsTheToken() {
        IssuedToken t = issuer(SECRET).issue(new UserClaims("n", "", "s", List.of("system.user"), null), null);
        assertFalse(t.toString().contains(t.token()));
    }

    static TokenVerifier verifierAt(SharedSecret key, long epochSecond) {
        return new TokenVerifier("portworx.com", () -> key, Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }
}
