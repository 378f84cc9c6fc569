package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;

import io.pxtoken.TestClock;
import io.pxtoken.TestKeys;
import io.pxtoken.token.TokenMutations;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Random mutations of valid tokens through {@code POST /v1/tokens/verify}: never a 5xx, and never {@code valid: true}
 * for a token whose signature, issuer or time check must fail. Whether a check must fail is decided here, without the
 * code under test: the MAC by nimbus-jose-jwt, the payload by Jackson's streaming parser, and the rules from
 * PORTWORX-TOKENS.md and golang-jwt (case-folded issuer key, last one wins; time compared in whole seconds, zero
 * leeway; int64 overflow). Seeded by {@code -Dpxtoken.property.seed}; a failure names the seed and case.
 */
@QuarkusTest
class VerifyPropertyTest {

    static final String ISSUER = "portworx.com";
    static final long NOW = 1_700_000_000L;
    static final int CASES = Integer.getInteger("pxtoken.property.cases", 2000);
    static final long SEED = Long.getLong("pxtoken.property.seed", 20251129L);
    /** Beyond this, Go's int64 conversion or time.Time's seconds from year 1 overflow. */
    static final BigDecimal WRAPS = BigDecimal.valueOf(Long.MAX_VALUE - 62135596800L);

    @Inject
    TestClock clock;

    @TestHTTPResource("/v1/tokens/verify")
    URI verify;

    @AfterEach
    void release() {
        clock.release();
    }

    @Test
    void randomMutationsNeverGetA5xxOrAFalseValid() throws Exception {
        clock.pin(NOW);
        byte[] secret = TestKeys.secret();
        TokenMutations mutations = new TokenMutations(new Random(SEED), ISSUER, secret, NOW);
        int valid = 0;
        // the JDK client, not RestAssured: a few thousand requests must stay quick on a small machine
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < CASES; i++) {
            String token = mutations.next();
            String where = "seed " + SEED + ", case " + i + ": " + token;
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(verify)
                    .header("Content-Type", "text/plain; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(token, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertTrue(r.statusCode() < 500, where + " answered " + r.statusCode());
            if (token.isBlank()) {
                assertEquals(400, r.statusCode(), where);
                continue;
            }
            assertEquals(200, r.statusCode(), where);
            JsonNode verdict = json.readTree(r.body());
            if (verdict.get("valid").booleanValue()) {
                valid++;
                mustNotFail(token.strip(), secret, where);
            } else {
                assertFalse(verdict.get("reason").asText().isEmpty(), where);
            }
        }
        // the mutations must leave enough tokens valid for the property to mean something
        assertTrue(valid > CASES / 20, "only " + valid + " of " + CASES + " mutated tokens were valid");
    }

    /** Exponents, digits and signs that overflowed into a 500 before: each gets a verdict. */
    @ParameterizedTest
    @ValueSource(strings = { "1e17", "1e300", "-1e300", "9223372036854775807", "123456789012345678901234567890",
            "1e400", "0.5", "null", "\"x\"" })
    void edgeNumbersGetAVerdict(String number) {
        clock.pin(NOW);
        for (String claim : new String[] { "exp", "iat", "nbf" }) {
            String payload = "{\"iss\":\"portworx.com\",\"sub\":\"u\",\"name\":\"n\",\"email\":\"\",\"iat\":" + (NOW - 10)
                    + ",\"exp\":" + (NOW + 60) + ",\"" + claim + "\":" + number + "}";
            String token = hs256("{\"alg\":\"HS256\"}", payload, TestKeys.secret());
            given().contentType("text/plain").body(token).post("/v1/tokens/verify").then().statusCode(200);
        }
    }

    /** The independent checks: a token that fails any of them must not have been called valid. */
    static void mustNotFail(String token, byte[] secret, String where) {
        String[] parts = token.split("\\.", -1);
        assertEquals(3, parts.length, where + ": valid with other than three segments");
        assertFalse(token.toLowerCase(Locale.ROOT).startsWith("bearer "), where);

        byte[] signature = base64url(parts[2], where);
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8);
        boolean macMatches = false;
        for (JWSAlgorithm alg : new JWSAlgorithm[] { JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512 }) {
            macMatches |= MessageDigest.isEqual(mac(alg, input, secret), signature);
        }
        assertTrue(macMatches, where + ": valid, but no HMAC of the shared secret matches the signature");

        Map<String, Object> header = topLevel(base64url(parts[0], where), where);
        assertTrue(header.get("alg") instanceof String alg && alg.startsWith("HS"), where + ": valid with alg " + header.get("alg"));

        Map<String, Object> claims = topLevel(base64url(parts[1], where), where);
        assertEquals(ISSUER, claims.get("\u0000issuer"), where + ": valid with another issuer");
        BigDecimal now = BigDecimal.valueOf(NOW);
        if (claims.containsKey("exp")) {
            Object exp = claims.get("exp");
            assertTrue(exp instanceof BigDecimal, where + ": valid with a non-numeric exp");
            BigDecimal e = (BigDecimal) exp;
            assertTrue(e.signum() == 0 || e.compareTo(now.add(BigDecimal.ONE)) >= 0 && e.compareTo(WRAPS) < 0,
                    where + ": valid with exp " + e);
        }
        for (String name : new String[] { "iat", "nbf" }) {
            if (claims.containsKey(name)) {
                Object at = claims.get(name);
                assertTrue(at instanceof BigDecimal, where + ": valid with a non-numeric " + name);
                BigDecimal a = (BigDecimal) at;
                assertFalse(a.compareTo(now.add(BigDecimal.ONE)) >= 0 && a.compareTo(WRAPS) < 0, where + ": valid with " + name + " " + a);
            }
        }
    }

    /**
     * The top-level members, the last of each exact key winning (numbers as BigDecimal), plus under a NUL key the
     * issuer as openstorage's struct decoding finds it: the last string under a key equal to "iss" ignoring case,
     * with U+017F counted as s.
     */
    static Map<String, Object> topLevel(byte[] json, String where) {
        Map<String, Object> members = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                fail(where + ": valid, but a segment is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                Object value = switch (t) {
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                    case VALUE_STRING -> p.getText();
                    case VALUE_NULL -> null;
                    default -> t;
                };
                p.skipChildren();
                members.put(key, value);
                if (value instanceof String s && key.toLowerCase(Locale.ROOT).replace('\u017F', 's').equals("iss")) {
                    members.put("\u0000issuer", s);
                }
            }
            if (p.nextToken() != null) {
                fail(where + ": valid, but a segment has more after its JSON object");
            }
        } catch (IOException e) {
            fail(where + ": valid, but a segment is not JSON: " + e.getClass().getSimpleName());
        }
        return members;
    }

    /** Go's base64 decoders skip line breaks; java.util.Base64 does not, so they are dropped first. */
    static byte[] base64url(String segment, String where) {
        try {
            return Base64.getUrlDecoder().decode(segment.replace("\r", "").replace("\n", ""));
        } catch (IllegalArgumentException e) {
            return fail(where + ": valid, but a segment is not base64url");
        }
    }

    static byte[] mac(JWSAlgorithm alg, byte[] input, byte[] secret) {
        try {
            return new MACSigner(secret).sign(new JWSHeader(alg), input).decode();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hs256(String header, String payload, byte[] secret) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        String input = b.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return input + "." + b.encodeToString(mac(JWSAlgorithm.HS256, input.getBytes(StandardCharsets.UTF_8), secret));
    }
}
