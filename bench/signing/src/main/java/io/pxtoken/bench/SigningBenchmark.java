package io.pxtoken.bench;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.base64url.Base64Url;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Where does TokenIssuer.sign spend its time?
 * <ul>
 * <li>{@code a_*}: the library, exactly as TokenIssuer.sign calls it (and in its earlier claim-by-claim form);</li>
 * <li>{@code b_*}: the floor: HMAC-SHA256 + base64url over the same, already serialized, header.payload bytes;</li>
 * <li>{@code c_*}: the same token built without the library (JSON by hand or by Jackson, then a cached Mac);</li>
 * <li>{@code d_*}: the pieces the library runs per token, one by one (MP Config look-ups, jose4j claims JSON,
 * jose4j JWS with a ready payload, jose4j and JDK base64url, Mac.getInstance+init, Mac.doFinal);</li>
 * <li>{@code e_*}: context that is not in sign() but in TokenIssuer.issue (the random jti).</li>
 * </ul>
 * Setup checks that every token-producing variant yields byte-for-byte the token the library yields, so they
 * are all doing the same work.
 * <p>
 * The forks get the two system properties the service sets in application.properties, and the {@code prod}
 * profile, so each MP Config look-up also probes {@code %prod.<name>} as it does in the packaged service.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 2, jvmArgsAppend = {
        "-Dsmallrye.jwt.sign.relax-key-validation=true",
        "-Dsmallrye.jwt.new-token.add-default-claims=false",
        "-Dsmallrye.config.profile=prod" })
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS) // some methods override: 6 x 1 s or 3 x 0.5 s
@Measurement(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class SigningBenchmark {

    // The claims of the HTTP benchmark's request, as TokenIssuer.issue passes them to sign().
    static final String ISS = "portworx.com";
    static final String SUB = "bench@example.com";
    static final String NAME = "Bench";
    static final String EMAIL = "bench@example.com";
    static final List<String> ROLES = List.of("system.user");
    static final List<String> GROUPS = List.of("kubernetes");
    static final long IAT = 1_764_000_000L - 600; // now - clock skew (10m)
    static final long EXP = 1_764_000_000L + 86_400; // now + default duration (1d)
    static final String JTI = "2f1c0f4e-8a4b-4f3e-9d57-3b0a1f6c9e21";

    static final String HEADER_JSON = "{\"typ\":\"JWT\",\"alg\":\"HS256\"}";
    static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    static final Base64Url JOSE_B64 = new Base64Url();

    /** The library's own per-token MP Config look-ups for this call chain (smallrye-jwt-build 4.6.x). */
    static final String ADD_DEFAULT_CLAIMS = "smallrye.jwt.new-token.add-default-claims";
    static final String OVERRIDE_MATCHING_CLAIMS = "smallrye.jwt.new-token.override-matching-claims";
    static final String AUDIENCE = "smallrye.jwt.new-token.audience";
    static final String RELAX_KEY_VALIDATION = "smallrye.jwt.sign.relax-key-validation";

    SecretKey key;
    Mac mac;
    ObjectMapper mapper;
    String headerB64;
    String payloadJson;
    byte[] payloadBytes;
    byte[] signingInput;
    String signingInputString;

    @Setup
    public void setup() throws Exception {
        // Like the generated development secret: 64 ASCII bytes (base64 of 48 random bytes).
        byte[] random = new byte[48];
        new Random(42).nextBytes(random);
        byte[] secret = Base64.getEncoder().encodeToString(random).getBytes(StandardCharsets.US_ASCII);
        key = new SecretKeySpec(secret, "HmacSHA256");
        mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        mapper = new ObjectMapper();

        String reference = a_smallrye_exactChain();
        String[] parts = reference.split("\\.");
        headerB64 = parts[0];
        payloadBytes = Base64.getUrlDecoder().decode(parts[1]);
        payloadJson = new String(payloadBytes, StandardCharsets.UTF_8);
        signingInputString = parts[0] + "." + parts[1];
        signingInput = signingInputString.getBytes(StandardCharsets.US_ASCII);

        same("header", B64URL.encodeToString(HEADER_JSON.getBytes(StandardCharsets.UTF_8)), headerB64);
        same("b_rawMac_cachedMac", reference, b_rawMac_cachedMac());
        same("b_rawMac_getInstancePerCall", reference, b_rawMac_getInstancePerCall());
        same("c_handJson_cachedMac", reference, c_handJson_cachedMac());
        same("c_jacksonJson_cachedMac", reference, c_jacksonJson_cachedMac());
        same("d_jose4jJws_readyPayload", reference, d_jose4jJws_readyPayload());
        same("d_jose4jClaimsToJson", payloadJson, d_jose4jClaimsToJson());
        same("d_jose4jBase64Url_payload", parts[1], d_jose4jBase64Url_payload());
        same("d_jdkBase64Url_payload", parts[1], d_jdkBase64Url_payload());

        // The claim-by-claim form orders the claims differently; it must carry the same claims and a valid signature.
        String[] other = a_smallrye_claimByClaim().split("\\.");
        same("a_smallrye_claimByClaim header", headerB64, other[0]);
        Map<?, ?> expectedClaims = mapper.readValue(payloadBytes, Map.class);
        Map<?, ?> otherClaims = mapper.readValue(Base64.getUrlDecoder().decode(other[1]), Map.class);
        same("a_smallrye_claimByClaim claims", new TreeMap<>(expectedClaims).toString(), new TreeMap<>(otherClaims).toString());
        same("a_smallrye_claimByClaim signature",
                B64URL.encodeToString(mac.doFinal((other[0] + "." + other[1]).getBytes(StandardCharsets.US_ASCII))), other[2]);
    }

    private static void same(String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + " differs from the library's output:\n  expected " + expected
                    + "\n  actual   " + actual);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (a) The library, exactly as io.pxtoken.token.TokenIssuer.sign calls it: the claims go in as a map in
    //     alphabetical order (the form since commit 2dbe116).

    @Benchmark
    @Warmup(iterations = 6, time = 1, timeUnit = TimeUnit.SECONDS) // slow to reach C2 steady state on 2 CPUs
    public String a_smallrye_exactChain() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("email", EMAIL);
        payload.put("exp", EXP);
        if (GROUPS != null) {
            payload.put("groups", GROUPS);
        }
        payload.put("iat", IAT);
        payload.put("iss", ISS);
        payload.put("jti", JTI);
        payload.put("name", NAME);
        payload.put("roles", ROLES);
        payload.put("sub", SUB);
        return Jwt.claims(payload).jws().algorithm(SignatureAlgorithm.HS256).header("typ", "JWT").sign(key);
    }

    /** The earlier form of TokenIssuer.sign (up to commit 2dfdea0): one .claim() call per claim. */
    @Benchmark
    @Warmup(iterations = 6, time = 1, timeUnit = TimeUnit.SECONDS) // slow to reach C2 steady state on 2 CPUs
    public String a_smallrye_claimByClaim() {
        JwtClaimsBuilder b = Jwt.claims()
                .claim("iss", ISS)
                .claim("sub", SUB)
                .claim("name", NAME)
                .claim("email", EMAIL)
                .claim("roles", ROLES)
                .claim("iat", IAT)
                .claim("exp", EXP)
                .claim("jti", JTI);
        if (GROUPS != null) {
            b.claim("groups", GROUPS);
        }
        return b.jws().algorithm(SignatureAlgorithm.HS256).header("typ", "JWT").sign(key);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (b) The floor: HMAC over the ready "base64url(header).base64url(payload)" bytes.

    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public String b_rawMac_cachedMac() {
        byte[] sig = mac.doFinal(signingInput);
        return signingInputString + "." + B64URL.encodeToString(sig);
    }

    /** As (b), but with a fresh Mac per token, as jose4j does (MacUtil.getInitializedMac). */
    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public String b_rawMac_getInstancePerCall() throws NoSuchAlgorithmException, InvalidKeyException {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(key);
        byte[] sig = m.doFinal(signingInput);
        return signingInputString + "." + B64URL.encodeToString(sig);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (c) The whole token without the library: payload JSON built per call, then a cached Mac.

    @Benchmark
    public String c_handJson_cachedMac() {
        StringBuilder sb = new StringBuilder(256);
        sb.append('{');
        field(sb, "email");
        str(sb, EMAIL);
        sb.append(',');
        field(sb, "exp").append(EXP).append(',');
        if (GROUPS != null) {
            field(sb, "groups");
            array(sb, GROUPS);
            sb.append(',');
        }
        field(sb, "iat").append(IAT).append(',');
        field(sb, "iss");
        str(sb, ISS);
        sb.append(',');
        field(sb, "jti");
        str(sb, JTI);
        sb.append(',');
        field(sb, "name");
        str(sb, NAME);
        sb.append(',');
        field(sb, "roles");
        array(sb, ROLES);
        sb.append(',');
        field(sb, "sub");
        str(sb, SUB);
        sb.append('}');
        return finish(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public String c_jacksonJson_cachedMac() throws Exception {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("email", EMAIL);
        claims.put("exp", EXP);
        if (GROUPS != null) {
            claims.put("groups", GROUPS);
        }
        claims.put("iat", IAT);
        claims.put("iss", ISS);
        claims.put("jti", JTI);
        claims.put("name", NAME);
        claims.put("roles", ROLES);
        claims.put("sub", SUB);
        return finish(mapper.writeValueAsBytes(claims));
    }

    private String finish(byte[] payload) {
        String input = headerB64 + "." + B64URL.encodeToString(payload);
        byte[] sig = mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64URL.encodeToString(sig);
    }

    private static StringBuilder field(StringBuilder sb, String name) {
        return sb.append('"').append(name).append("\":");
    }

    private static void array(StringBuilder sb, List<String> values) {
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            str(sb, values.get(i));
        }
        sb.append(']');
    }

    /** A JSON string escaped as jose4j's (json-simple) writer escapes it, '/' included. */
    private static void str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '/' -> sb.append("\\/");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c <= '\u001F' || (c >= '\u007F' && c <= '\u009F') || (c >= '\u2000' && c <= '\u20FF')) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (d) The library's per-token steps, one at a time.

    /** The four MP Config look-ups smallrye-jwt-build makes for every token on this call chain. */
    @Benchmark
    public void d_mpConfig_4lookupsPerToken(Blackhole bh) {
        bh.consume(ConfigProvider.getConfig().getOptionalValue(ADD_DEFAULT_CLAIMS, Boolean.class).orElse(Boolean.TRUE));
        bh.consume(ConfigProvider.getConfig().getOptionalValue(OVERRIDE_MATCHING_CLAIMS, Boolean.class).orElse(null));
        bh.consume(ConfigProvider.getConfig().getOptionalValue(AUDIENCE, String.class).orElse(null));
        bh.consume(ConfigProvider.getConfig().getOptionalValue(RELAX_KEY_VALIDATION, Boolean.class).orElse(Boolean.FALSE));
    }

    /** Only ConfigProvider.getConfig(): the resolver's per-class-loader lookup, without reading a property. */
    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public Config d_mpConfig_getConfigOnly() {
        return ConfigProvider.getConfig();
    }

    /** jose4j's claims object filled like the builder fills it, then serialized (the payload JSON). */
    @Benchmark
    public String d_jose4jClaimsToJson() {
        JwtClaims claims = new JwtClaims();
        claims.setClaim("email", EMAIL);
        claims.setClaim("exp", EXP);
        claims.setClaim("groups", new ArrayList<>(GROUPS)); // the builder copies collections (prepareValue)
        claims.setClaim("iat", IAT);
        claims.setClaim("iss", ISS);
        claims.setClaim("jti", JTI);
        claims.setClaim("name", NAME);
        claims.setClaim("roles", new ArrayList<>(ROLES));
        claims.setClaim("sub", SUB);
        return claims.toJson();
    }

    /** jose4j's JWS step as JwtSignatureImpl runs it, given the ready payload JSON. */
    @Benchmark
    @Warmup(iterations = 6, time = 1, timeUnit = TimeUnit.SECONDS) // slow to reach C2 steady state on 2 CPUs
    public String d_jose4jJws_readyPayload() throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setHeader("typ", "JWT");
        jws.setHeader("alg", "HS256");
        jws.setAlgorithmHeaderValue("HS256");
        jws.setPayload(payloadJson);
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    /** One jose4j base64url encode of the payload (jose4j runs five per token: header and payload twice, signature once). */
    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public String d_jose4jBase64Url_payload() {
        return JOSE_B64.base64UrlEncode(payloadBytes);
    }

    /** The same encode with java.util.Base64 (url, no padding). */
    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public String d_jdkBase64Url_payload() {
        return B64URL.encodeToString(payloadBytes);
    }

    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public Mac d_macGetInstanceAndInit() throws NoSuchAlgorithmException, InvalidKeyException {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(key);
        return m;
    }

    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public byte[] d_macDoFinalOnly() {
        return mac.doFinal(signingInput);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (e) Context: TokenIssuer.issue draws a random jti per token (outside sign()).

    @Benchmark
    @Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS) // small: warm within a second
    public String e_randomUuidJti() {
        return UUID.randomUUID().toString();
    }
}
