package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;

import io.pxtoken.keys.SharedSecret;

/**
 * Known answers: crafted tokens and the verdict Portworx gives them, each written from the upstream code that decides
 * it (named per group; openstorage {@code pkg/auth} and {@code api/server/sdk}, golang-jwt v4.3.0, Go's
 * {@code encoding/json} and {@code encoding/base64}). Tokens are signed by nimbus-jose-jwt over the exact bytes shown,
 * so each case reaches the check it is about.
 */
class PortworxVerdictTest {

    static final String ISSUER = "portworx.com";
    static final String SECRET = KnownAnswers.V2_SECRET;
    static final long NOW = 1_700_000_000L;
    static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    static final String EXPIRED = "Token is expired";
    static final String UNTRUSTED_EVIL = "evil is not a trusted issuer";
    static final String NO_CLAIMS = "Unable to get information from the claims in the token: ";
    static final String EMPTY_SUB = "System set to use the value of sub as the username, therefore the value of sub in the token cannot be empty";

    /** A valid payload with {@code extra} members added at its end (Go lets later duplicates win). */
    static String payload(String extra) {
        return "{\"iss\":\"portworx.com\",\"sub\":\"u@example.com\",\"name\":\"U\",\"email\":\"u@example.com\","
                + "\"roles\":[\"system.user\"],\"iat\":" + (NOW - 10) + ",\"exp\":" + (NOW + 3600)
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** The claims of {@link #payload} without {@code name}, written out with {@code members} instead. */
    static String only(String members) {
        return "{" + members + "}";
    }

    static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** header.payload, HMAC-signed with the secret by nimbus-jose-jwt (alg taken from {@code mac}). */
    static String signed(String headerSegment, String payloadSegment, JWSAlgorithm mac) {
        String input = headerSegment + "." + payloadSegment;
        try {
            return input + "." + new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8))
                    .sign(new JWSHeader(mac), input.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String token(String header, String payload) {
        return signed(b64(header), b64(payload), JWSAlgorithm.HS256);
    }

    static TokenVerifier verifier() {
        SharedSecret key = new SharedSecret(SECRET.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
        return new TokenVerifier(ISSUER, () -> key, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    }

    static Arguments valid(String name, String token) {
        return Arguments.of(name, token, true, null);
    }

    static Arguments invalid(String name, String token, String reason) {
        return Arguments.of(name, token, false, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({ "goJsonPayload", "numbersOutOfRange", "golangJwtWordingAndOrder", "usernameAndRequiredClaims" })
    void portworxGivesThisVerdict(String name, String token, boolean valid, String reason) {
        Verification v = verifier().verify(token);
        assertEquals(reason, v.reason(), name);
        assertEquals(valid, v.valid(), name);
    }

    /**
     * The payload as Go's encoding/json reads it. openstorage auth.TokenClaims unmarshals it into the Claims struct
     * (decode.go object(): struct keys fold case, fold.go; last key wins; null leaves a field alone; checkValid
     * refuses anything after the value); golang-jwt reads it again into MapClaims (exact keys).
     */
    static Stream<Arguments> goJsonPayload() {
        return Stream.of(
                valid("a plain payload", token(HS256, payload(""))),
                // auth.TokenIssuer reads Claims.Issuer: "Iss" folds onto iss and comes last
                invalid("Iss after iss is the issuer", token(HS256, payload("\"Iss\":\"evil\"")), UNTRUSTED_EVIL),
                // fold.go: U+017F LATIN SMALL LETTER LONG S folds to s
                invalid("iſs folds onto iss", token(HS256, payload("\"i\u017Fs\":\"evil\"")), UNTRUSTED_EVIL),
                invalid("an escaped key is the same key", token(HS256, payload("\"\\u0069ss\":\"evil\"")), UNTRUSTED_EVIL),
                // U+0130 has no simple folding to i: an unknown key, ignored
                valid("İss is another key", token(HS256, payload("\"\u0130ss\":\"evil\""))),
                // literalStore: null into a string field is ignored, so the struct keeps portworx.com; MapClaims has the key
                valid("iss null after iss", token(HS256, payload("\"iss\":null"))),
                // the struct trusts ISS, but selfsigned.go's requiredClaims look up MapClaims["iss"] exactly
                invalid("only ISS", token(HS256, only("\"ISS\":\"portworx.com\",\"sub\":\"u\",\"name\":\"U\",\"email\":\"\","
                        + "\"iat\":" + (NOW - 10) + ",\"exp\":" + (NOW + 60))), "Required claim iss missing from token"),
                // map_claims.go VerifyExpiresAt: a nil value is neither float64 nor json.Number
                invalid("exp null", token(HS256, payload("\"exp\":null")), EXPIRED),
                invalid("exp as a string", token(HS256, payload("\"exp\":\"" + (NOW + 60) + "\"")), EXPIRED),
                // newNumericDateFromSeconds truncates to the second: now+0.5 is now, and now is not before now
                invalid("exp half a second from now", token(HS256, payload("\"exp\":" + NOW + ".5")), EXPIRED),
                invalid("trailing text", token(HS256, payload("") + "xyz"),
                        NO_CLAIMS + "invalid character 'x' after top-level value"),
                invalid("a second object", token(HS256, payload("") + "{}"),
                        NO_CLAIMS + "invalid character '{' after top-level value"),
                valid("trailing whitespace", token(HS256, payload("") + " \n\t")),
                // quoteChar shows the BOM's first byte, 0xEF, as the rune U+00EF
                invalid("a UTF-8 BOM", token(HS256, "\uFEFF" + payload("")),
                        NO_CLAIMS + "invalid character 'ï' looking for beginning of value"),
                invalid("a truncated payload", token(HS256, "{\"iss\":\"portworx.com\""), NO_CLAIMS + "unexpected end of JSON input"),
                // scanner eof() feeds a space: the space is the invalid character
                invalid("a cut literal", token(HS256, "{\"iss\":tru"), NO_CLAIMS + "invalid character ' ' in literal true (expecting 'e')"),
                invalid("a control character in a string", token(HS256, "{\"iss\":\"a\tb\"}"), NO_CLAIMS + "invalid character '\\t' in string literal"),
                invalid("a payload that is an array", token(HS256, "[" + payload("") + "]"),
                        NO_CLAIMS + "json: cannot unmarshal array into Go value of type auth.Claims"),
                invalid("a number for name", token(HS256, payload("\"name\":5")),
                        NO_CLAIMS + "json: cannot unmarshal number into Go struct field Claims.name of type string"),
                invalid("roles as a string", token(HS256, payload("\"roles\":\"system.admin\"")),
                        NO_CLAIMS + "json: cannot unmarshal string into Go struct field Claims.roles of type []string"),
                invalid("a number among the groups", token(HS256, payload("\"GROUPS\":[\"a\",1]")),
                        NO_CLAIMS + "json: cannot unmarshal number into Go struct field Claims.groups of type string"),
                valid("a number in a claim Claims does not have", token(HS256, payload("\"tenant\":{\"id\":5}"))),
                // unquoteBytes: a lone surrogate escape becomes U+FFFD
                invalid("a lone surrogate in iss", token(HS256, payload("\"iss\":\"a\\ud800b\"")), "a\uFFFDb is not a trusted issuer"),
                // auth.TokenIssuer dereferences a nil *Claims: the SDK server's goroutine panics, with Go's runtime text
                invalid("a null payload", token(HS256, "null"), "runtime error: invalid memory address or nil pointer dereference"));
    }

    /**
     * Numbers beyond int64 or float64. encoding/json convertNumber refuses what float64 cannot hold, wherever the
     * claim is; golang-jwt newNumericDateFromSeconds converts with int64() (on amd64, out of range is the minimum
     * int64) and time.Unix adds 62135596800 s with wrap-around, so huge times land before year 1.
     */
    static Stream<Arguments> numbersOutOfRange() {
        return Stream.of(
                valid("exp 1e17", token(HS256, payload("\"exp\":1e17"))),
                invalid("exp 1e300", token(HS256, payload("\"exp\":1e300")), EXPIRED),
                invalid("exp 2^63-1", token(HS256, payload("\"exp\":9223372036854775807")), EXPIRED),
                invalid("exp 2^63-1024 (fits int64, wraps in time.Time)", token(HS256, payload("\"exp\":9223372036854774784")), EXPIRED),
                invalid("exp with 30 digits", token(HS256, payload("\"exp\":123456789012345678901234567890")), EXPIRED),
                invalid("exp -1", token(HS256, payload("\"exp\":-1")), EXPIRED),
                valid("exp 0 never expires", token(HS256, payload("\"exp\":0"))),
                valid("exp -0.0 is zero too", token(HS256, payload("\"exp\":-0.0"))),
                invalid("exp 1e-300 is not zero", token(HS256, payload("\"exp\":1e-300")), EXPIRED),
                invalid("iat 1e17", token(HS256, payload("\"iat\":1e17")), "Token used before issued"),
                // amd64: int64(1e300) is the minimum int64, long before now (the issue accepts either verdict here)
                valid("iat 1e300", token(HS256, payload("\"iat\":1e300"))),
                invalid("nbf one second from now", token(HS256, payload("\"nbf\":" + (NOW + 1))), "Token is not valid yet"),
                invalid("exp 1e400", token(HS256, payload("\"exp\":1e400")), "json: cannot unmarshal number 1e400 into Go value of type float64"),
                invalid("any claim 1e400", token(HS256, payload("\"jti\":[-1E+400]")),
                        "json: cannot unmarshal number -1E+400 into Go value of type float64"));
    }

    /** golang-jwt v4.3.0 parser.go (ParseUnverified, ParseWithClaims), map_claims.go Valid, hmac.go Verify. */
    static Stream<Arguments> golangJwtWordingAndOrder() {
        String good = token(HS256, payload(""));
        String[] p = good.split("\\.");
        String expiredPayload = payload("\"exp\":" + (NOW - 1));
        return Stream.of(
                invalid("no alg", token("{\"typ\":\"JWT\"}", payload("")), "signing method (alg) is unspecified."),
                invalid("alg null", token("{\"alg\":null}", payload("")), "signing method (alg) is unspecified."),
                invalid("alg a number", token("{\"alg\":256}", payload("")), "signing method (alg) is unspecified."),
                // the header is a map: keys are exact
                invalid("ALG", token("{\"ALG\":\"HS256\"}", payload("")), "signing method (alg) is unspecified."),
                invalid("header null", token("null", payload("")), "signing method (alg) is unspecified."),
                valid("the last alg wins", token("{\"alg\":\"none\",\"alg\":\"HS256\"}", payload(""))),
                invalid("alg HS1", token("{\"alg\":\"HS1\"}", payload("")), "signing method (alg) is unavailable."),
                // openstorage's key function picks by prefix
                invalid("alg none", token("{\"alg\":\"none\"}", payload("")), "Unknown token algorithm: none"),
                invalid("alg PS256", token("{\"alg\":\"PS256\"}", payload("")), "Unknown token algorithm: PS256"),
                // with only a shared secret configured, RS keys are nil: SigningMethodRSA.Verify's key type check
                invalid("alg RS256", token("{\"alg\":\"RS256\"}", payload("")), "key is of invalid type"),
                invalid("a header that is an array", token("[]", payload("")),
                        "json: cannot unmarshal array into Go value of type map[string]interface {}"),
                invalid("text after the header", token(HS256 + "x", payload("")), "invalid character 'x' after top-level value"),
                invalid("a header that is not base64url", "e$." + p[1] + "." + p[2], "illegal base64 data at input byte 1"),
                invalid("a padded signature", good + "=", "illegal base64 data at input byte " + p[2].length()),
                // a 33rd byte decodes (44 characters), it just does not match
                invalid("a signature one character longer", good + "A", "signature is invalid"),
                // 45 characters: one left over after the last full quantum, which decodeQuantum refuses
                invalid("a signature two characters longer", good + "AA", "illegal base64 data at input byte " + (p[2].length() + 1)),
                // Go's base64 decoders skip \r and \n; the signature covers the segment as sent
                valid("a line break inside the payload segment",
                        signed(p[0], p[1].substring(0, 10) + "\n" + p[1].substring(10), JWSAlgorithm.HS256)),
                invalid("bearer in front", "Bearer " + good, "tokenstring should not contain 'bearer '"),
                invalid("one segment", p[0], "Unable to obtain token issuer from authorization token: Token is invalid: (token not shown)"),
                invalid("two segments", p[0] + "." + p[1], "Unable to obtain token issuer from authorization token: Token is invalid: (token not shown)"),
                invalid("four segments", good + ".x", "token contains an invalid number of segments"),
                // the signature is checked after the claims and its error replaces theirs
                invalid("expired and badly signed", flipFirstSignatureCharacter(token(HS256, expiredPayload)),
                        "signature is invalid"),
                invalid("expired and issued in the future: the last check names the error",
                        token(HS256, payload("\"exp\":" + (NOW - 1) + ",\"iat\":" + (NOW + 5))), "Token used before issued"),
                invalid("an empty signature", p[0] + "." + p[1] + ".", "signature is invalid"),
                valid("HS512", signed(b64("{\"alg\":\"HS512\"}"), p[1], JWSAlgorithm.HS512)));
    }

    /** openstorage selfsigned.go AuthenticateToken (requiredClaims on MapClaims) and claims.go validateUsername. */
    static Stream<Arguments> usernameAndRequiredClaims() {
        return Stream.of(
                invalid("sub empty", token(HS256, payload("\"sub\":\"\"")), EMPTY_SUB),
                invalid("sub null", token(HS256, payload("").replace("\"sub\":\"u@example.com\"", "\"sub\":null")), EMPTY_SUB),
                // decode.go literalStore: null into a string field leaves it as it was
                valid("sub null after sub", token(HS256, payload("\"sub\":null"))),
                invalid("SUB empty after sub", token(HS256, payload("\"SUB\":\"\"")), EMPTY_SUB),
                invalid("email missing", token(HS256, "{\"iss\":\"portworx.com\",\"sub\":\"u\",\"name\":\"U\",\"iat\":"
                        + (NOW - 10) + ",\"exp\":" + (NOW + 60) + "}"), "Required claim email missing from token"),
                valid("email null is present", token(HS256, payload("\"email\":null"))),
                valid("roles absent", token(HS256, "{\"iss\":\"portworx.com\",\"sub\":\"u\",\"name\":\"\",\"email\":\"\",\"iat\":"
                        + (NOW - 10) + ",\"exp\":" + (NOW + 60) + "}")));
    }

    @Test
    void aNullSubIsAPresentButEmptyUsername() {
        // MapClaims has "sub" (nil), so requiredClaims pass; the Claims struct keeps "" and validateUsername refuses it
        Verification v = verifier().verify(token(HS256, payload("").replace("\"sub\":\"u@example.com\"", "\"sub\":null")));
        assertFalse(v.valid());
        assertEquals(EMPTY_SUB, v.reason());
        assertEquals("empty-username", v.result());
    }

    @Test
    void outOfRangeNumbersStillShowTheClaims() {
        Verification v = verifier().verify(token(HS256, payload("\"exp\":1e300")));
        assertEquals(1e300, v.claims().get("exp"));
        assertNull(v.expiresAt(), "an exp beyond Instant's range is not shown as a time");
        assertEquals(Instant.ofEpochSecond(100_000_000_000_000L), verifier().verify(token(HS256, payload("\"exp\":1e14"))).expiresAt());
    }

    /** The first character carries six signature bits (the last one may carry unused padding bits only). */
    static String flipFirstSignatureCharacter(String token) {
        int at = token.lastIndexOf('.') + 1;
        return token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    }
}
