package io.pxtoken.token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * JSON written byte for byte as Go's {@code encoding/json} writes it with {@code json.Marshal} (HTML escaping on), the
 * encoder pxctl signs its claims with; the bytes are UTF-8.
 * <p>
 * Strings, as {@code encode.go} ({@code encodeState.string}) escapes them:
 * <ul>
 * <li>{@code "} and {@code \} as {@code \"} and {@code \\}; newline, carriage return and tab as {@code \n},
 * {@code \r}, {@code \t};</li>
 * <li>every other code point below U+0020 as <code>&#92;u00XX</code>, lowercase hex;</li>
 * <li>{@code <}, {@code >}, {@code &} as <code>&#92;u003c</code>, <code>&#92;u003e</code>, <code>&#92;u0026</code>;
 * U+2028 and U+2029 as <code>&#92;u2028</code> and <code>&#92;u2029</code>;</li>
 * <li>everything else (DEL, U+0080-U+009F, {@code /}, all other non-ASCII) as it is, in UTF-8.</li>
 * </ul>
 * U+0008 and U+000C are written <code>&#92;u0008</code> and <code>&#92;u000c</code>, as Go up to 1.21 writes them
 * (Go 1.22 and later write {@code \b} and {@code \f}). Chosen because it is what the Go on the build machine (1.19)
 * writes, so the known answers in {@code GoJsonPayloadTest} come from a real encoder rather than from reading its
 * source; which Go pxctl is built with is not published, and both forms decode to the same string in every JSON reader.
 * Portworx checks the signature over whatever bytes it is sent, so this choice never decides whether a token is
 * accepted.
 * <p>
 * A lone UTF-16 surrogate (refused by {@link ClaimsPolicy} before anything is signed) is written
 * <code>&#92;ufffd</code>, as Go writes any byte of a string that is not valid UTF-8.
 * <p>
 * Written by hand rather than with Jackson: Jackson escapes neither {@code <>&} nor U+2028/9 by default and writes
 * uppercase hex; getting Go's bytes from it would take a custom escape table for a payload of nine fixed fields.
 */
final class GoJsonWriter {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;

    GoJsonWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Bytes that need no escaping (punctuation, key names), written as they are; ASCII only. */
    GoJsonWriter ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            buf[len++] = (byte) text.charAt(i);
        }
        return this;
    }

    GoJsonWriter ascii(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    /** An integer, as Go writes an {@code int64}. */
    GoJsonWriter number(long value) {
        return ascii(Long.toString(value));
    }

    /** A quoted string; {@code null} is written as {@code ""} (a Go string is never nil). */
    GoJsonWriter string(String s) {
        String text = s == null ? "" : s;
        // at most 6 bytes per UTF-16 unit (a backslash-u escape), plus the quotes
        ensure(text.length() * 6 + 2);
        buf[len++] = '"';
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '"', '\\' -> {
                        buf[len++] = '\\';
                        buf[len++] = (byte) c;
                    }
                    case '\n' -> escape('n');
                    case '\r' -> escape('r');
                    case '\t' -> escape('t');
                    case '<', '>', '&' -> unicodeEscape(c);
                    default -> {
                        if (c < 0x20) {
                            unicodeEscape(c);
                        } else {
                            buf[len++] = (byte) c;
                        }
                    }
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xc0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            } else if (c == 0x2028 || c == 0x2029) {
                unicodeEscape(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                buf[len++] = (byte) (0xf0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                unicodeEscape((char) 0xfffd);
            } else {
                buf[len++] = (byte) (0xe0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[len++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        buf[len++] = '"';
        return this;
    }

    /** An array of strings; {@code null} is written as {@code null}, as Go writes a nil slice. */
    GoJsonWriter strings(List<String> values) {
        if (values == null) {
            return ascii("null");
        }
        ascii('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                ascii(',');
            }
            string(values.get(i));
        }
        return ascii(']');
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void escape(char c) {
        buf[len++] = '\\';
        buf[len++] = (byte) c;
    }

    private void unicodeEscape(char c) {
        buf[len++] = '\\';
        buf[len++] = 'u';
        buf[len++] = HEX[(c >> 12) & 0xf];
        buf[len++] = HEX[(c >> 8) & 0xf];
        buf[len++] = HEX[(c >> 4) & 0xf];
        buf[len++] = HEX[c & 0xf];
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
