package io.pxtoken.token;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a JWT segment as golang-jwt v4's {@code DecodeSegment} does with its defaults: Go's
 * {@code base64.RawURLEncoding}. No {@code =} padding, URL alphabet, and, as every Go base64 decoder, {@code \r} and
 * {@code \n} are skipped wherever they appear; unused trailing bits are not checked (the encoding is not
 * {@code Strict}). Errors carry Go's text and byte offset: {@code illegal base64 data at input byte N}.
 */
final class GoBase64 {

    private static final int[] ALPHABET = new int[256];

    static {
        Arrays.fill(ALPHABET, -1);
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < chars.length(); i++) {
            ALPHABET[chars.charAt(i)] = i;
        }
    }

    private GoBase64() {
    }

    /** @throws GoError with Go's {@code CorruptInputError} text; offsets count UTF-8 bytes, as Go's do */
    static byte[] decode(String segment) throws GoError {
        byte[] src = segment.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4 + 3);
        int si = 0;
        // one 4-character quantum per round, as encoding/base64's decodeQuantum
        while (si < src.length) {
            int[] quantum = new int[4];
            int length = 4;
            for (int j = 0; j < 4; j++) {
                if (si == src.length) {
                    if (j == 0) {
                        return out.toByteArray();
                    }
                    if (j == 1) {
                        throw corrupt(si - j);
                    }
                    length = j;
                    break;
                }
                int in = src[si] & 0xff;
                si++;
                int value = ALPHABET[in];
                if (value >= 0) {
                    quantum[j] = value;
                } else if (in == '\n' || in == '\r') {
                    j--;
                } else {
                    throw corrupt(si - 1);
                }
            }
            int bits = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
            out.write(bits >>> 16);
            if (length > 2) {
                out.write(bits >>> 8);
            }
            if (length > 3) {
                out.write(bits);
            }
        }
        return out.toByteArray();
    }

    private static GoError corrupt(long offset) {
        return new GoError("illegal base64 data at input byte " + offset);
    }
}
