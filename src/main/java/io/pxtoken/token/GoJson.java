package io.pxtoken.token;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as Go's {@code encoding/json} reads it, for the parts of a token Portworx decodes with it.
 * <p>
 * Jackson cannot give Go's answers: Go checks the whole input before decoding anything and words its syntax errors
 * its own way ({@code invalid character 'x' after top-level value}, a UTF-8 BOM is
 * {@code invalid character 'ï' looking for beginning of value}), coerces invalid UTF-8 and lone surrogate escapes to
 * U+FFFD instead of failing, lets the last of duplicate keys win, and reports numbers beyond float64 as type errors
 * only where they are decoded. This reader reproduces the scanner ({@code scanner.go}: {@code checkValid},
 * {@code eof}, {@code quoteChar}, the 10000-level depth limit) and the string rules ({@code decode.go}:
 * {@code unquoteBytes}, {@code utf8.DecodeRune}); mapping the values onto Go types is left to {@link GoDecode}.
 * Nothing here recurses, so no input can exhaust the stack.
 */
final class GoJson {

    /** encoding/json's maxNestingDepth. */
    static final int MAX_DEPTH = 10000;

    /** Containers nested deeper than this are shown as a placeholder: no Go check looks that deep. */
    static final int SHOWN_DEPTH = 32;

    /**
     * A number beyond float64 ({@code 1e400}). Go keeps the literal until it knows the target: it is an error only
     * where an {@code interface{}} receives it, and is skipped in fields a struct does not have.
     */
    record Unrepresentable(String literal) {
    }

    /**
     * One JSON document as Go reads it before mapping it onto a type.
     *
     * @param value {@link String}, {@link Long} (integral values below 2^53, exact as float64), {@link Double},
     *        {@link Boolean}, {@code null}, {@link List} or {@link Map} (the last of duplicate keys wins)
     * @param members the top-level object's members in document order, duplicates included, as Go's struct decoding
     *        sees them; {@code null} when the document is not an object
     * @param unrepresentable the first number (in document order) that does not fit a float64, or {@code null}
     */
    record Document(Object value, List<Map.Entry<String, Object>> members, String unrepresentable) {
    }

    private GoJson() {
    }

    /**
     * Reads one JSON value as {@code json.Unmarshal} would before any type mapping.
     *
     * @throws GoError with Go's syntax error text when the input is not exactly one JSON value
     */
    static Document parse(byte[] data) throws GoError {
        Scanner scanner = new Scanner();
        for (byte b : data) {
            scanner.step(b & 0xff);
        }
        scanner.eof();
        return new Builder(data).document();
    }

    /** Go's {@code quoteChar}: how a syntax error shows the offending byte (the byte read as a Latin-1 rune). */
    static String quoteChar(int c) {
        if (c == '\'') {
            return "'\\''";
        }
        if (c == '"') {
            return "'\"'";
        }
        return "'" + goQuote(c) + "'";
    }

    /** {@code strconv.Quote} of one rune below U+0100, without the surrounding quotes. */
    private static String goQuote(int r) {
        switch (r) {
            case '\\':
                return "\\\\";
            case 7:
                return "\\a";
            case '\b':
                return "\\b";
            case '\f':
                return "\\f";
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case 11:
                return "\\v";
            default:
                break;
        }
        if (r < 0x20 || r == 0x7f) {
            return String.format("\\x%02x", r);
        }
        // strconv.IsPrint: of U+0080..U+00FF, the C1 controls, NBSP and the soft hyphen are not printable
        if (r < 0x7f || r > 0xa0 && r != 0xad) {
            return String.valueOf((char) r);
        }
        return String.format("\\u%04x", r);
    }

    /** encoding/json's scanner, state for state: it decides which error Go reports, and where. */
    private static final class Scanner {

        private enum State {
            BEGIN_VALUE_OR_EMPTY, BEGIN_VALUE, BEGIN_STRING_OR_EMPTY, BEGIN_STRING, END_VALUE, END_TOP,
            IN_STRING, IN_STRING_ESC, IN_STRING_ESC_U, IN_STRING_ESC_U1, IN_STRING_ESC_U12, IN_STRING_ESC_U123,
            NEG, ONE, ZERO, DOT, DOT0, E, E_SIGN, E0,
            T, TR, TRU, F, FA, FAL, FALS, N, NU, NUL
        }

        private static final int OBJECT_KEY = 0;
        private static final int OBJECT_VALUE = 1;
        private static final int ARRAY_VALUE = 2;

        private State state = State.BEGIN_VALUE;
        private final Deque<Integer> parseState = new ArrayDeque<>();
        private boolean endTop;

        private static boolean isSpace(int c) {
            return c <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n');
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isHex(int c) {
            return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
        }

        private static GoError error(int c, String context) {
            return new GoError("invalid character " + quoteChar(c) + " " + context);
        }

        /** Go's {@code scanner.eof}: the end of input is fed as one space, which may itself be the error. */
        void eof() throws GoError {
            if (endTop) {
                return;
            }
            step(' ');
            if (!endTop) {
                throw new GoError("unexpected end of JSON input");
            }
        }

        private void push(int c, int newParseState, State next) throws GoError {
            parseState.push(newParseState);
            if (parseState.size() > MAX_DEPTH) {
                throw error(c, "exceeded max depth");
            }
            state = next;
        }

        void step(int c) throws GoError {
            switch (state) {
                case BEGIN_VALUE_OR_EMPTY -> {
                    if (isSpace(c)) {
                        return;
                    }
                    if (c == ']') {
                        endValue(c);
                        return;
                    }
                    beginValue(c);
                }
                case BEGIN_VALUE -> beginValue(c);
                case BEGIN_STRING_OR_EMPTY -> {
                    if (isSpace(c)) {
                        return;
                    }
                    if (c == '}') {
                        parseState.pop();
                        parseState.push(OBJECT_VALUE);
                        endValue(c);
                        return;
                    }
                    beginString(c);
                }
                case BEGIN_STRING -> beginString(c);
                case END_VALUE -> endValue(c);
                case END_TOP -> {
                    if (!isSpace(c)) {
                        throw error(c, "after top-level value");
                    }
                }
                case IN_STRING -> {
                    if (c == '"') {
                        state = State.END_VALUE;
                    } else if (c == '\\') {
                        state = State.IN_STRING_ESC;
                    } else if (c < 0x20) {
                        throw error(c, "in string literal");
                    }
                }
                case IN_STRING_ESC -> {
                    switch (c) {
                        case 'b', 'f', 'n', 'r', 't', '\\', '/', '"' -> state = State.IN_STRING;
                        case 'u' -> state = State.IN_STRING_ESC_U;
                        default -> throw error(c, "in string escape code");
                    }
                }
                case IN_STRING_ESC_U -> hex(c, State.IN_STRING_ESC_U1);
                case IN_STRING_ESC_U1 -> hex(c, State.IN_STRING_ESC_U12);
                case IN_STRING_ESC_U12 -> hex(c, State.IN_STRING_ESC_U123);
                case IN_STRING_ESC_U123 -> hex(c, State.IN_STRING);
                case NEG -> {
                    if (c == '0') {
                        state = State.ZERO;
                    } else if (c >= '1' && c <= '9') {
                        state = State.ONE;
                    } else {
                        throw error(c, "in numeric literal");
                    }
                }
                case ONE -> {
                    if (!isDigit(c)) {
                        zero(c);
                    }
                }
                case ZERO -> zero(c);
                case DOT -> {
                    if (!isDigit(c)) {
                        throw error(c, "after decimal point in numeric literal");
                    }
                    state = State.DOT0;
                }
                case DOT0 -> {
                    if (c == 'e' || c == 'E') {
                        state = State.E;
                    } else if (!isDigit(c)) {
                        endValue(c);
                    }
                }
                case E -> {
                    if (c == '+' || c == '-') {
                        state = State.E_SIGN;
                    } else {
                        eSign(c);
                    }
                }
                case E_SIGN -> eSign(c);
                case E0 -> {
                    if (!isDigit(c)) {
                        endValue(c);
                    }
                }
                case T -> literal(c, 'r', State.TR, "in literal true (expecting 'r')");
                case TR -> literal(c, 'u', State.TRU, "in literal true (expecting 'u')");
                case TRU -> literal(c, 'e', State.END_VALUE, "in literal true (expecting 'e')");
                case F -> literal(c, 'a', State.FA, "in literal false (expecting 'a')");
                case FA -> literal(c, 'l', State.FAL, "in literal false (expecting 'l')");
                case FAL -> literal(c, 's', State.FALS, "in literal false (expecting 's')");
                case FALS -> literal(c, 'e', State.END_VALUE, "in literal false (expecting 'e')");
                case N -> literal(c, 'u', State.NU, "in literal null (expecting 'u')");
                case NU -> literal(c, 'l', State.NUL, "in literal null (expecting 'l')");
                case NUL -> literal(c, 'l', State.END_VALUE, "in literal null (expecting 'l')");
                default -> throw new IllegalStateException(state.name());
            }
        }

        private void beginValue(int c) throws GoError {
            if (isSpace(c)) {
                state = State.BEGIN_VALUE;
                return;
            }
            switch (c) {
                case '{' -> push(c, OBJECT_KEY, State.BEGIN_STRING_OR_EMPTY);
                case '[' -> push(c, ARRAY_VALUE, State.BEGIN_VALUE_OR_EMPTY);
                case '"' -> state = State.IN_STRING;
                case '-' -> state = State.NEG;
                case '0' -> state = State.ZERO;
                case 't' -> state = State.T;
                case 'f' -> state = State.F;
                case 'n' -> state = State.N;
                default -> {
                    if (c >= '1' && c <= '9') {
                        state = State.ONE;
                    } else {
                        throw error(c, "looking for beginning of value");
                    }
                }
            }
        }

        private void beginString(int c) throws GoError {
            if (isSpace(c)) {
                state = State.BEGIN_STRING;
            } else if (c == '"') {
                state = State.IN_STRING;
            } else {
                throw error(c, "looking for beginning of object key string");
            }
        }

        private void endValue(int c) throws GoError {
            if (parseState.isEmpty()) {
                state = State.END_TOP;
                endTop = true;
                step(c);
                return;
            }
            if (isSpace(c)) {
                state = State.END_VALUE;
                return;
            }
            switch (parseState.peek()) {
                case OBJECT_KEY -> {
                    if (c != ':') {
                        throw error(c, "after object key");
                    }
                    parseState.pop();
                    parseState.push(OBJECT_VALUE);
                    state = State.BEGIN_VALUE;
                }
                case OBJECT_VALUE -> {
                    if (c == ',') {
                        parseState.pop();
                        parseState.push(OBJECT_KEY);
                        state = State.BEGIN_STRING;
                    } else if (c == '}') {
                        pop();
                    } else {
                        throw error(c, "after object key:value pair");
                    }
                }
                default -> {
                    if (c == ',') {
                        state = State.BEGIN_VALUE;
                    } else if (c == ']') {
                        pop();
                    } else {
                        throw error(c, "after array element");
                    }
                }
            }
        }

        private void pop() {
            parseState.pop();
            if (parseState.isEmpty()) {
                state = State.END_TOP;
                endTop = true;
            } else {
                state = State.END_VALUE;
            }
        }

        private void zero(int c) throws GoError {
            if (c == '.') {
                state = State.DOT;
            } else if (c == 'e' || c == 'E') {
                state = State.E;
            } else {
                endValue(c);
            }
        }

        private void eSign(int c) throws GoError {
            if (!isDigit(c)) {
                throw error(c, "in exponent of numeric literal");
            }
            state = State.E0;
        }

        private void hex(int c, State next) throws GoError {
            if (!isHex(c)) {
                throw error(c, "in \\u hexadecimal character escape");
            }
            state = next;
        }

        private void literal(int c, char expected, State next, String context) throws GoError {
            if (c != expected) {
                throw error(c, context);
            }
            state = next;
        }
    }

    /**
     * Builds the value of input the scanner accepted, without recursion: containers under construction wait on a
     * stack.
     */
    private static final class Builder {

        private final byte[] s;
        private int i;

        Builder(byte[] s) {
            this.s = s;
        }

        private String unrepresentable;

        Document document() {
            Deque<List<Map.Entry<String, Object>>> objects = new ArrayDeque<>();
            Deque<Object> open = new ArrayDeque<>(); // a List, or the key list of an object under construction
            Deque<String> keys = new ArrayDeque<>();
            while (true) {
                skipSpace();
                Object v;
                int c = s[i];
                if (c == '{' || c == '[') {
                    i++;
                    skipSpace();
                    if (s[i] == (c == '{' ? '}' : ']')) {
                        i++;
                        v = c == '{' ? new LinkedHashMap<String, Object>() : new ArrayList<>();
                        if (c == '{' && open.isEmpty()) {
                            return new Document(v, List.of(), unrepresentable);
                        }
                    } else {
                        if (c == '{') {
                            List<Map.Entry<String, Object>> entries = new ArrayList<>();
                            objects.push(entries);
                            open.push(entries);
                            keys.push(key());
                        } else {
                            open.push(new ArrayList<>());
                        }
                        continue;
                    }
                } else {
                    v = scalar();
                }
                // v is complete: add it to its container, closing every container that ends here
                while (true) {
                    if (open.isEmpty()) {
                        return new Document(v, null, unrepresentable);
                    }
                    Object container = open.peek();
                    boolean object = !objects.isEmpty() && objects.peek() == container;
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) container;
                    list.add(object ? new AbstractMap.SimpleImmutableEntry<>(keys.pop(), v) : v);
                    skipSpace();
                    if (s[i] == ',') {
                        i++;
                        if (object) {
                            keys.push(key());
                        }
                        break;
                    }
                    i++; // '}' or ']'
                    open.pop();
                    int depth = open.size() + 1;
                    if (object) {
                        List<Map.Entry<String, Object>> entries = objects.pop();
                        Map<String, Object> map = new LinkedHashMap<>();
                        entries.forEach(e -> map.put(e.getKey(), e.getValue()));
                        if (open.isEmpty()) {
                            return new Document(map, entries, unrepresentable);
                        }
                        v = map;
                    } else {
                        v = container;
                    }
                    if (depth > SHOWN_DEPTH) {
                        v = "(nested too deeply to show)";
                    }
                }
            }
        }

        /** An object key and its colon. */
        private String key() {
            skipSpace();
            String k = string();
            skipSpace();
            i++; // ':'
            return k;
        }

        private Object scalar() {
            int c = s[i];
            switch (c) {
                case '"':
                    return string();
                case 't':
                    i += 4;
                    return Boolean.TRUE;
                case 'f':
                    i += 5;
                    return Boolean.FALSE;
                case 'n':
                    i += 4;
                    return null;
                default:
                    int start = i;
                    while (i < s.length && "+-.eE0123456789".indexOf(s[i]) >= 0) {
                        i++;
                    }
                    return number(new String(s, start, i - start, StandardCharsets.US_ASCII));
            }
        }

        /** float64 as {@code strconv.ParseFloat} rounds it (Java's parser rounds the same way). */
        private Object number(String literal) {
            double d = Double.parseDouble(literal);
            if (Double.isInfinite(d)) {
                if (unrepresentable == null) {
                    unrepresentable = literal;
                }
                return new Unrepresentable(literal);
            }
            return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (Object) (long) d : (Object) d;
        }

        private void skipSpace() {
            while (i < s.length && Scanner.isSpace(s[i])) {
                i++;
            }
        }

        /** Go's {@code unquoteBytes}: escapes resolved, invalid UTF-8 and unpaired surrogates become U+FFFD. */
        private String string() {
            i++; // opening quote
            StringBuilder out = new StringBuilder();
            while (true) {
                int c = s[i] & 0xff;
                if (c == '"') {
                    i++;
                    return out.toString();
                }
                if (c == '\\') {
                    int e = s[i + 1];
                    i += 2;
                    switch (e) {
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            int r = hex4(i);
                            i += 4;
                            if (Character.isSurrogate((char) r)) {
                                int low = i + 6 <= s.length && s[i] == '\\' && s[i + 1] == 'u' ? hex4(i + 2) : -1;
                                if (Character.isHighSurrogate((char) r) && low >= 0 && Character.isLowSurrogate((char) low)) {
                                    out.append((char) r).append((char) low);
                                    i += 6;
                                } else {
                                    out.append('\uFFFD');
                                }
                            } else {
                                out.append((char) r);
                            }
                        }
                        default -> out.append((char) e); // '"', '\\', '/'
                    }
                } else if (c < 0x80) {
                    out.append((char) c);
                    i++;
                } else {
                    int[] rune = decodeRune(s, i);
                    out.appendCodePoint(rune[0]);
                    i += rune[1];
                }
            }
        }

        private int hex4(int at) {
            if (at + 4 > s.length) {
                return -1;
            }
            int r = 0;
            for (int k = at; k < at + 4; k++) {
                int d = Character.digit(s[k], 16);
                if (d < 0) {
                    return -1;
                }
                r = r * 16 + d;
            }
            return r;
        }
    }

    /**
     * Go's {@code utf8.DecodeRune}: a rune and its length, or U+FFFD and length 1 for any byte that does not start a
     * well-formed, shortest-form, non-surrogate sequence.
     */
    static int[] decodeRune(byte[] s, int at) {
        int b0 = s[at] & 0xff;
        int size;
        int lo = 0x80;
        int hi = 0xbf;
        int r;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            size = 2;
            r = b0 & 0x1f;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            size = 3;
            r = b0 & 0x0f;
            if (b0 == 0xe0) {
                lo = 0xa0;
            } else if (b0 == 0xed) {
                hi = 0x9f;
            }
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            size = 4;
            r = b0 & 0x07;
            if (b0 == 0xf0) {
                lo = 0x90;
            } else if (b0 == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return new int[] { 0xFFFD, 1 };
        }
        if (at + size > s.length) {
            return new int[] { 0xFFFD, 1 };
        }
        for (int k = 1; k < size; k++) {
            int b = s[at + k] & 0xff;
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) {
                return new int[] { 0xFFFD, 1 };
            }
            r = r << 6 | b & 0x3f;
        }
        return new int[] { r, size };
    }
}
