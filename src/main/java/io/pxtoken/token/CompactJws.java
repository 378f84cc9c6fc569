package io.pxtoken.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * An HS256 JWS in compact form, signed with the JDK alone: {@code base64url(header) "." base64url(payload) "."
 * base64url(HMAC-SHA256(key, the two segments))}, no padding, as golang-jwt writes it.
 * <p>
 * The header is {@code {"alg":"HS256","typ":"JWT"}} byte for byte (golang-jwt marshals its header map with sorted
 * keys), encoded once. The payload bytes are the caller's ({@link GoJsonWriter}). This replaces smallrye-jwt-build on
 * the hot HS256 path: the library spent about 90% of a token's 10.7 µs and 46.6 KB (JMH, bench/README.md) on config
 * look-ups, map copies, jose4j's JSON writer and a base64 codec that allocates 8 KB per encode, none of it
 * cryptography. RS256 and ES256 stay on the library, where the private-key operation dominates.
 * <p>
 * A {@link Mac} is made for every token from the key passed in: nothing is cached, so a rotated key is used from the
 * next token on and no old key lingers in a per-thread cache (the instance costs about 0.2 µs).
 */
final class CompactJws {

    static final String HS256_HEADER_JSON = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] HS256_HEADER = B64URL.encode(HS256_HEADER_JSON.getBytes(StandardCharsets.US_ASCII));
    private static final int SIGNATURE_CHARS = 43; // 32 bytes of HMAC-SHA256, base64url without padding

    private CompactJws() {
    }

    /**
     * @param payload the claims JSON, UTF-8
     * @param key the HMAC key (the shared secret's bytes exactly)
     */
    static String hs256(byte[] payload, SecretKey key) {
        byte[] body = B64URL.encode(payload);
        int signed = HS256_HEADER.length + 1 + body.length;
        byte[] out = new byte[signed + 1 + SIGNATURE_CHARS];
        System.arraycopy(HS256_HEADER, 0, out, 0, HS256_HEADER.length);
        out[HS256_HEADER.length] = '.';
        System.arraycopy(body, 0, out, HS256_HEADER.length + 1, body.length);
        byte[] mac;
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            hmac.update(out, 0, signed);
            mac = hmac.doFinal();
        } catch (GeneralSecurityException e) {
            // the key is the shared secret: its text must never reach a message, and the JDK's do not carry it
            throw new IllegalStateException("HMAC-SHA256 signing failed in this JVM: " + e.getClass().getName(), e);
        }
        out[signed] = '.';
        byte[] signature = B64URL.encode(mac);
        System.arraycopy(signature, 0, out, signed + 1, SIGNATURE_CHARS);
        // every byte is base64url or '.': ASCII, so Latin-1 decoding is exact and the fastest
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
