package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pxtoken.keys.KeyNotLoadedException;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.keys.SigningAlgorithm;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/**
 * HS256 tokens are written without a JWT library ({@link GoJsonWriter}, {@link CompactJws}); here they are held
 * against three references: tokens made by Go itself (pxctl's encoder), smallrye-jwt-build (what signed them before,
 * byte for byte wherever its escaping agrees with Go's) and nimbus-jose-jwt plus our Portworx-exact verifier (the
 * signature and the claims read back, for every character).
 * <p>
 * The Go known answers were made on the build machine with Go 1.19.8 ({@code go run main.go} in a scratch directory
 * outside the repository; nothing of it is committed). The program, in full apart from the cases listed at each
 * vector:
 *
 * <pre>
 * package main
 *
 * import ("crypto/hmac"; "crypto/sha256"; "encoding/base64"; "encoding/json"; "fmt")
 *
 * func token(secret string, claims map[string]interface{}) string {
 *     header, _ := json.Marshal(map[string]interface{}{"alg": "HS256", "typ": "JWT"})
 *     payload, _ := json.Marshal(claims)
 *     input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
 *     m := hmac.New(sha256.New, []byte(secret))
 *     m.Write([]byte(input))
 *     return input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
 * }
 *
 * func sub(name, email string) string { // what pxctl derives for an empty sub
 *     return base64.StdEncoding.EncodeToString([]byte("openstorage.io/" + name + "/" + email))
 * }
 *
 * func main() { for _, c := range cases { fmt.Println(token(c.secret, c.claims)) } }
 * </pre>
 *
 * (golang-jwt's {@code SignedString} does the same: {@code json.Marshal} of the header map and of the claims, with
 * map keys sorted, and {@code RawURLEncoding}.)
 */
class GoJsonPayloadTest {

    /**
     * Secret {@code k}; Go: {@code {"iss": "portworx.com", "sub": sub("Zoë <ops> & \"co\"", "a@b.c"), "name": "Zoë
     * <ops> & \"co\"", "email": "a@b.c", "roles": []string{"system.user"}, "iat": 1700000000, "exp": 1700086400,
     * "jti": "00000000-0000-4000-8000-000000000024"}}: {@code <>&}, quotes, a two-byte letter, the derived sub.
     */
    static final String GO_1 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImFAYi5jIiwiZXhwIjoxNzAwMDg2NDAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6InBvcnR3b3J4LmNvbSIsImp0aSI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAyNCIsIm5hbWUiOiJab8OrIFx1MDAzY29wc1x1MDAzZSBcdTAwMjYgXCJjb1wiIiwicm9sZXMiOlsic3lzdGVtLnVzZXIiXSwic3ViIjoiYjNCbGJuTjBiM0poWjJVdWFXOHZXbS9EcXlBOGIzQnpQaUFtSUNKamJ5SXZZVUJpTG1NPSJ9.LT5lZKaZq01M3hY9sqZ9qpFy_dVIrCxPqUuS4cEbrLM";

    /**
     * Secret {@code q9Zb...rS3} plus a trailing newline; Go: {@code "iss": "px/issuer<&>", "sub":
     * "a/b\u2028c\u2029d", "name": "del\u007f nel\u0085 apc\u009f en\u2000 euro\u20ac emoji\U0001F600 cjk\u4e2d\u6587
     * ß", "email": "zoë+tag/x@exämple.com", "roles": []string{"system.user", "r\u2028<&>"}, "groups": []string{},
     * "iat": 1700000000, "exp": 1731536000, "jti": "...0025"} (Go's escapes): U+2028/9, DEL, C1 controls, U+2000-20FF,
     * three- and four-byte UTF-8, an empty groups list.
     */
    static final String GO_2 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6Inpvw6srdGFnL3hAZXjDpG1wbGUuY29tIiwiZXhwIjoxNzMxNTM2MDAwLCJncm91cHMiOltdLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6InB4L2lzc3Vlclx1MDAzY1x1MDAyNlx1MDAzZSIsImp0aSI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAyNSIsIm5hbWUiOiJkZWx_IG5lbMKFIGFwY8KfIGVu4oCAIGV1cm_igqwgZW1vamnwn5iAIGNqa-S4reaWhyDDnyIsInJvbGVzIjpbInN5c3RlbS51c2VyIiwiclx1MjAyOFx1MDAzY1x1MDAyNlx1MDAzZSJdLCJzdWIiOiJhL2JcdTIwMjhjXHUyMDI5ZCJ9.E5TvmtgtAqlA2godITeLOM7jYsNS7_gEl9nWv3kBYPw";

    /**
     * Secret {@code my_shared_secret}; Go: {@code "iss": "tab\there", "sub": "nul\u0000 soh\u0001 bs\b ff\f nl\n cr\r
     * tab\t us\u001f", "name": "quote\" back\\slash \\\" \\u0041 '", "email": "a\"b\\c@d.e", "roles":
     * []string{"system.admin"}, "groups": []string{"<script>", "a&b", "p\u2029", "\U0001F680\U0001F600", "x\u007fy"},
     * "iat": 1567443622, "exp": 1567530022, "jti": "...0026"}: control characters (Go 1.19 writes \u0008 and \u000c),
     * quotes and backslashes, surrogate pairs.
     */
    static final String GO_3 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImFcImJcXGNAZC5lIiwiZXhwIjoxNTY3NTMwMDIyLCJncm91cHMiOlsiXHUwMDNjc2NyaXB0XHUwMDNlIiwiYVx1MDAyNmIiLCJwXHUyMDI5Iiwi8J-agPCfmIAiLCJ4f3kiXSwiaWF0IjoxNTY3NDQzNjIyLCJpc3MiOiJ0YWJcdGhlcmUiLCJqdGkiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMjYiLCJuYW1lIjoicXVvdGVcIiBiYWNrXFxzbGFzaCBcXFwiIFxcdTAwNDEgJyIsInJvbGVzIjpbInN5c3RlbS5hZG1pbiJdLCJzdWIiOiJudWxcdTAwMDAgc29oXHUwMDAxIGJzXHUwMDA4IGZmXHUwMDBjIG5sXG4gY3JcciB0YWJcdCB1c1x1MDAxZiJ9.FTYr6s5bmJOci8YvfI35KZz1T-trgKXQADlA5BeYKd8";

    /**
     * Secret {@code k}; Go: {@code "iss": "portworx.com", "sub": sub("Zoë <ops> & \"co\"", ""), "name": "Zoë <ops> &
     * \"co\"", "email": "", "roles": []string(nil), "iat": 1700000000, "exp": 1731536000, "jti": "j"}}: PORTWORX-TOKENS
     * V5's shape (roles null, no groups) with a jti.
     */
    static final String GO_4 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6IiIsImV4cCI6MTczMTUzNjAwMCwiaWF0IjoxNzAwMDAwMDAwLCJpc3MiOiJwb3J0d29yeC5jb20iLCJqdGkiOiJqIiwibmFtZSI6Ilpvw6sgXHUwMDNjb3BzXHUwMDNlIFx1MDAyNiBcImNvXCIiLCJyb2xlcyI6bnVsbCwic3ViIjoiYjNCbGJuTjBiM0poWjJVdWFXOHZXbS9EcXlBOGIzQnpQaUFtSUNKamJ5SXYifQ.cEN7vZ-Olc2w2vJgibX4gWVckwOI52nMsZzf_5kP0ME";

    static final String ZOE = "Zoë <ops> & \"co\"";
    static final String ODD_ROLE = "r\u2028<&>";
    /** A role jose4j and Go write alike. */
    static final String QUOTED_ROLE = "r\u00f6le \"q\" \\ \u4e2d";
    static final List<String> ROLES = List.of("system.admin", "system.user", "system.view", ODD_ROLE, QUOTED_ROLE);
    static final List<String> ORACLE_ROLES = List.of("system.admin", "system.user", "system.view", QUOTED_ROLE);

    @BeforeAll
    static void smallryeConfig() {
        // what application.properties sets for the running service (the library is the oracle below)
        System.setProperty("smallrye.jwt.sign.relax-key-validation", "true");
        System.setProperty("smallrye.jwt.new-token.add-default-claims", "false");
    }

    static TokenIssuer issuer(String iss, Supplier<SharedSecret> key, long now, Supplier<String> jtis) {
        return new TokenIssuer(iss, "1d", "10y", Duration.ZERO, ROLES, Map.of(), key, a -> {
            throw new KeyNotLoadedException(a, "no " + a + " key is loaded");
        }, SigningAlgorithm.HS256, new TokenMetrics(new SimpleMeterRegistry()),
                Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC), jtis);
    }

    static SharedSecret secret(String text) {
        return new SharedSecret(text.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    /** Mints through the whole issuer (policy, derived sub, clock, jti) and compares with Go's token byte for byte. */
    private static void assertMintEqualsGo(String goToken, String secret, String iss, long iat, String duration,
            String jti, UserClaims claims) {
        SharedSecret key = secret(secret);
        IssuedToken t = issuer(iss, () -> key, iat, () -> jti).issue(claims, TokenDuration.parse("duration", duration));
        assertEquals(payloadText(goToken), payloadText(t.token()), "payload JSON");
        assertEquals(goToken.split("\\.")[1], t.token().split("\\.")[1], "payload bytes");
        assertEquals(goToken, t.token(), "whole token (header, payload, HMAC)");
    }

    @Test
    void mintsWhatGoWritesForHtmlCharactersQuotesAndADerivedSub() {
        assertMintEqualsGo(GO_1, "k", "portworx.com", 1700000000L, "1d", "00000000-0000-4000-8000-000000000024",
                new UserClaims(ZOE, "a@b.c", "", List.of("system.user"), null));
    }

    @Test
    void mintsWhatGoWritesForSeparatorsC1ControlsAndAstralCharacters() {
        assertMintEqualsGo(GO_2, "q9Zb3Jm1cXkG0uPz4VhT7sLwYf2Ra8DnE5oKiU6gNxMtHjB+Qe/Ac1lWvy0dIrS3\n", "px/issuer<&>",
                1700000000L, "365d", "00000000-0000-4000-8000-000000000025",
                new UserClaims("del\u007f nel\u0085 apc\u009f en\u2000 euro\u20ac emoji\uD83D\uDE00 cjk\u4e2d\u6587 ß",
                        "zoë+tag/x@exämple.com", "a/b\u2028c\u2029d", List.of("system.user", ODD_ROLE), List.of()));
    }

    @Test
    void mintsWhatGoWritesForControlCharactersAndBackslashes() {
        assertMintEqualsGo(GO_3, "my_shared_secret", "tab\there", 1567443622L, "1d",
                "00000000-0000-4000-8000-000000000026",
                new UserClaims("quote\" back\\slash \\\" \\u0041 '", "a\"b\\c@d.e",
                        "nul\u0000 soh\u0001 bs\b ff\f nl\n cr\r tab\t us\u001f", List.of("system.admin"),
                        List.of("<script>", "a&b", "p\u2029", "\uD83D\uDE80\uD83D\uDE00", "x\u007fy")));
    }

    @Test
    void writesNullRolesAsGoWritesANilSlice() {
        // roles are required by the policy; the payload writer alone still writes Go's form for a nil slice
        String sub = Base64.getEncoder().encodeToString(("openstorage.io/" + ZOE + "/").getBytes(StandardCharsets.UTF_8));
        byte[] payload = TokenIssuer.goPayload(new UserClaims(ZOE, "", sub, null, null), "portworx.com", 1700000000L,
                1731536000L, "j");
        assertEquals(payloadText(GO_4), new String(payload, StandardCharsets.UTF_8));
        assertEquals(GO_4, CompactJws.hs256(payload, secret("k").key()));
    }

    /** Each rule of Go's escaping on its own, with the bytes written (hex), so a failure names the character. */
    @Test
    void escapesEachCharacterAsGoDoes() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("\"", "\\\"");
        expected.put("\\", "\\\\");
        expected.put("\n", "\\n");
        expected.put("\r", "\\r");
        expected.put("\t", "\\t");
        expected.put("\u0000", "\\u0000");
        expected.put("\b", "\\u0008"); // Go <= 1.21 (1.19 here); Go >= 1.22 writes \b
        expected.put("\f", "\\u000c"); // ditto \f
        expected.put("\u001f", "\\u001f");
        expected.put("<", "\\u003c");
        expected.put(">", "\\u003e");
        expected.put("&", "\\u0026");
        expected.put("\u2028", "\\u2028");
        expected.put("\u2029", "\\u2029");
        expected.put("/", "/");
        expected.put("'", "'");
        expected.put("\u007f", "\u007f");
        expected.put("\u0085", "\u0085");
        expected.put("\u00e9", "\u00e9");
        expected.put("\u2000", "\u2000");
        expected.put("\u20ac", "\u20ac");
        expected.put("\ufeff", "\ufeff");
        expected.put("\uffff", "\uffff");
        expected.put("\uD83D\uDE00", "\uD83D\uDE00");
        expected.put("\uD83D", "\\ufffd"); // a lone surrogate (the policy refuses it first): Go's mark for invalid UTF-8
        expected.put("\uDE00x", "\\ufffdx");
        expected.put("", "");
        HexFormat hex = HexFormat.of();
        expected.forEach((in, out) -> {
            byte[] written = new GoJsonWriter(1).string(in).toByteArray();
            assertEquals(hex.formatHex(("\"" + out + "\"").getBytes(StandardCharsets.UTF_8)), hex.formatHex(written),
                    () -> "U+" + hex.formatHex(in.getBytes(StandardCharsets.UTF_16BE)));
        });
        assertEquals("\"\"", new String(new GoJsonWriter(1).string(null).toByteArray(), StandardCharsets.UTF_8));
        assertEquals("[]", new String(new GoJsonWriter(1).strings(List.of()).toByteArray(), StandardCharsets.UTF_8));
        assertEquals("null", new String(new GoJsonWriter(1).strings(null).toByteArray(), StandardCharsets.UTF_8));
        assertEquals("[\"a\",\"\\u003c\"]",
                new String(new GoJsonWriter(1).strings(List.of("a", "<")).toByteArray(), StandardCharsets.UTF_8));
        // the longest escapes, many of them: the buffer grows
        String many = "\u2028".repeat(ClaimsPolicy.MAX_SUB);
        assertEquals("\"" + "\\u2028".repeat(ClaimsPolicy.MAX_SUB) + "\"",
                new String(new GoJsonWriter(1).string(many).toByteArray(), StandardCharsets.UTF_8));
    }

    /**
     * Where jose4j 0.9.6 escapes as Go does (ASCII without {@code <>&} and the controls other than \n \r \t;
     * non-ASCII outside U+007F-U+009F and U+2000-U+20FF), the hand-built token equals the library's byte for byte:
     * same header, same payload, same HMAC. The library token is made as TokenIssuer made it before.
     */
    @Test
    void equalsTheLibrarysTokenWhereItsEscapingAgreesWithGo() {
        String alphabet = "abcxyzABCXYZ0189 _-.+:;,!?#$%()*=[]{}|~^`'/\"\\\n\r\t\u00e9\u00df\u00e4\u00ff\u00a0\u03a9\u0436"
                + "\u4e2d\u6587\u3042\uff71\ud83d\ude00\ud83d\ude80";
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SharedSecret key = secret("oracle-secret-" + seed);
        int withGroups = 0;
        int withEmptyGroups = 0;
        int derived = 0;
        for (int i = 0; i < 1500; i++) {
            UserClaims claims = randomClaims(random, alphabet, ORACLE_ROLES);
            derived += claims.sub().isEmpty() ? 1 : 0;
            withGroups += claims.groups() != null && !claims.groups().isEmpty() ? 1 : 0;
            withEmptyGroups += claims.groups() != null && claims.groups().isEmpty() ? 1 : 0;
            long now = 1_600_000_000L + random.nextInt(400_000_000);
            String iss = random.nextBoolean() ? "portworx.com" : text(random, alphabet, 1, 40);
            IssuedToken t = issuer(iss, () -> key, now, () -> UUID.randomUUID().toString()).issue(claims,
                    TokenDuration.parse("duration", (1 + random.nextInt(400)) + "d"));
            String library = librarySigned(t, key);
            int at = i;
            assertEquals(library, t.token(), () -> "seed " + seed + " case " + at + ": " + t.claims() + "\nlibrary "
                    + payloadText(library) + "\nours    " + payloadText(t.token()));
        }
        assertTrue(withGroups > 100 && withEmptyGroups > 100 && derived > 100,
                "the random claims cover groups, empty groups and derived subs");
    }

    /**
     * Every character, the ones Go escapes included: nimbus (a library that took no part in signing) and the service's
     * Portworx-exact verifier accept the signature and read back exactly the claims that went in; Go's escaping rules
     * hold on the raw payload bytes (no raw {@code <>&}, U+2028/9 or control byte, {@code /} never escaped).
     */
    @Test
    void everyCharacterRoundTripsThroughNimbusAndThePortworxVerifier() throws Exception {
        String alphabet = "ab Z9/<>&'\"\\\u0000\u0001\b\f\n\r\t\u001f\u007f\u0085\u009f\u00e9\u2000\u2028\u2029\u20ac"
                + "\ufeff\ud83d\ude00";
        long seed = System.nanoTime();
        Random random = new Random(seed);
        SharedSecret key = secret("round-trip-secret-of-at-least-32-bytes-" + seed + "\n");
        long now = 1_700_000_000L;
        for (int i = 0; i < 400; i++) {
            UserClaims asked = randomClaims(random, alphabet, ROLES);
            String iss = text(random, alphabet, 1, 30);
            IssuedToken t = issuer(iss, () -> key, now, () -> UUID.randomUUID().toString()).issue(asked, null);
            String why = "seed " + seed + " case " + i + ": " + payloadText(t.token());

            SignedJWT jwt = SignedJWT.parse(t.token());
            assertTrue(jwt.verify(new MACVerifier(key.key().getEncoded())), why);
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            assertEquals(iss, c.getIssuer(), why);
            assertEquals(t.claims().sub(), c.getSubject(), why);
            assertEquals(t.claims().name(), c.getStringClaim("name"), why);
            assertEquals(t.claims().email() == null ? "" : t.claims().email(), c.getStringClaim("email"), why);
            assertEquals(t.claims().roles(), c.getStringListClaim("roles"), why);
            assertEquals(t.claims().groups(), c.getClaims().containsKey("groups") ? c.getStringListClaim("groups") : null,
                    why);
            assertEquals(t.jti(), c.getJWTID(), why);

            Verification v = new TokenVerifier(iss, () -> key, Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC))
                    .verify(t.token());
            assertTrue(v.valid(), why + " " + v.reason());
            assertEquals(t.claims().name(), v.claims().get("name"), why);
            assertEquals(t.claims().sub(), v.claims().get("sub"), why);

            byte[] raw = Base64.getUrlDecoder().decode(t.token().split("\\.")[1]);
            String json = new String(raw, StandardCharsets.UTF_8);
            for (byte b : raw) {
                assertTrue(b < 0 || b >= 0x20, why);
                assertFalse(b == '<' || b == '>' || b == '&', why);
            }
            assertFalse(json.contains("\u2028") || json.contains("\u2029"), why);
            for (int j = json.indexOf('\\'); j >= 0; j = json.indexOf('\\', j + 2)) {
                assertTrue("\"\\nrtu".indexOf(json.charAt(j + 1)) >= 0, why + ": escape at " + j);
            }
        }
    }

    @Test
    void aRotatedSecretSignsTheNextToken() throws Exception {
        SharedSecret a = secret("first-secret-of-at-least-32-bytes");
        SharedSecret b = secret("second-secret-of-at-least-32-bytes");
        SharedSecret[] current = { a };
        TokenIssuer issuer = issuer("portworx.com", () -> current[0], 1_700_000_000L, () -> "j");
        UserClaims claims = new UserClaims("n", "", "s", List.of("system.user"), null);
        IssuedToken first = issuer.issue(claims, null);
        current[0] = b;
        IssuedToken second = issuer.issue(claims, null);
        assertTrue(SignedJWT.parse(first.token()).verify(new MACVerifier(a.key().getEncoded())));
        assertFalse(SignedJWT.parse(first.token()).verify(new MACVerifier(b.key().getEncoded())));
        assertTrue(SignedJWT.parse(second.token()).verify(new MACVerifier(b.key().getEncoded())));
        assertFalse(SignedJWT.parse(second.token()).verify(new MACVerifier(a.key().getEncoded())));
        assertEquals(a.fingerprint(), first.keyFingerprint());
        assertEquals(b.fingerprint(), second.keyFingerprint());
    }

    /** The token as TokenIssuer signed it before HS256 left the library (same claims map, same call chain). */
    private static String librarySigned(IssuedToken t, SharedSecret key) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("email", t.claims().email() == null ? "" : t.claims().email());
        payload.put("exp", t.expiresAt().getEpochSecond());
        if (t.claims().groups() != null) {
            payload.put("groups", t.claims().groups());
        }
        payload.put("iat", t.issuedAt().getEpochSecond());
        payload.put("iss", t.issuer());
        payload.put("jti", t.jti());
        payload.put("name", t.claims().name());
        payload.put("roles", t.claims().roles());
        payload.put("sub", t.claims().sub());
        return Jwt.claims(payload).jws().algorithm(SignatureAlgorithm.HS256).sign(key.key());
    }

    /** Claims the policy accepts, every string drawn from {@code alphabet}; one in four has its sub derived. */
    private static UserClaims randomClaims(Random random, String alphabet, List<String> allowedRoles) {
        String name = "n" + text(random, alphabet, 0, 40);
        String email = switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> "";
            default -> emailPart(random, alphabet) + "@" + emailPart(random, alphabet);
        };
        String sub = random.nextInt(4) == 0 ? "" : "s" + text(random, alphabet, 0, 60);
        List<String> roles = new ArrayList<>(allowedRoles);
        java.util.Collections.shuffle(roles, random);
        roles = roles.subList(0, 1 + random.nextInt(roles.size()));
        List<String> groups = switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> List.of();
            default -> {
                List<String> g = new ArrayList<>();
                for (int i = 1 + random.nextInt(5); i > 0; i--) {
                    g.add("g" + g.size() + text(random, alphabet, 0, 20));
                }
                yield g;
            }
        };
        return new UserClaims(name, email, sub, roles, groups);
    }

    /** A part of an email address: no '@' and no whitespace (ClaimsPolicy's plausibility check). */
    private static String emailPart(Random random, String alphabet) {
        String text = text(random, alphabet, 1, 20).replaceAll("[@\\s]", "");
        return text.isEmpty() ? "e" : text;
    }

    private static String text(Random random, String alphabet, int min, int max) {
        int points = alphabet.codePointCount(0, alphabet.length());
        StringBuilder b = new StringBuilder();
        for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
            b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(points))));
        }
        return b.toString();
    }

    private static String payloadText(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }
}
