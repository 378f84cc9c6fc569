package io.pxtoken.token;

import java.util.List;
import java.util.Map;

/**
 * Maps a {@link GoJson.Document} onto the two Go types Portworx decodes a token into, with {@code encoding/json}'s
 * rules and error texts ({@code decode.go}: {@code object}, {@code array}, {@code literalStore},
 * {@code convertNumber}, {@code UnmarshalTypeError}, {@code addErrorContext}).
 * <ul>
 * <li>A {@code map[string]interface{}}: golang-jwt's header and its {@code MapClaims}. Keys match exactly, the last
 * duplicate wins, {@code null} is kept as a present key, numbers are float64.</li>
 * <li>openstorage's {@code auth.Claims} struct, read by {@code TokenClaims} (the issuer) and by
 * {@code AuthenticateToken} (the username). Struct fields match keys case-insensitively ({@code fold.go}: ASCII case,
 * plus {@code ſ} for s and the Kelvin sign for k, the only non-ASCII runes that fold onto ASCII letters), the last
 * matching key wins, {@code null} leaves a field as it was, and a value of another type is an error that names the
 * field.</li>
 * </ul>
 */
final class GoDecode {

    /** How Go names the claims struct in errors: reflect's {@code Type.String()} of openstorage's {@code auth.Claims}. */
    static final String CLAIMS_TYPE = "auth.Claims";
    static final String MAP_TYPE = "map[string]interface {}";

    private static final List<String> STRING_FIELDS = List.of("iss", "sub", "name", "email");
    private static final List<String> LIST_FIELDS = List.of("roles", "groups");

    /**
     * The string fields of openstorage's {@code Claims} after decoding ({@code ""} when absent or null, as in Go).
     */
    record Claims(String iss, String sub, String name, String email) {
    }

    private GoDecode() {
    }

    /**
     * {@code json.Unmarshal} (or {@code Decoder.Decode}) into a {@code map[string]interface{}}.
     *
     * @return {@code null} for a JSON {@code null} (Go leaves the map nil)
     */
    static Map<String, Object> intoMap(GoJson.Document doc) throws GoError {
        Object top = doc.value();
        if (top == null) {
            return null;
        }
        if (!(top instanceof Map<?, ?>)) {
            throw typeError(kind(top), MAP_TYPE);
        }
        if (doc.unrepresentable() != null) {
            throw typeError("number " + doc.unrepresentable(), "float64");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) top;
        return map;
    }

    /**
     * {@code json.Unmarshal} into a {@code *auth.Claims}: the first type error in document order wins, as Go saves
     * only the first.
     *
     * @return {@code null} for a JSON {@code null}: Go leaves the pointer nil (and openstorage then dereferences it)
     */
    static Claims intoClaims(GoJson.Document doc) throws GoError {
        if (doc.value() == null) {
            return null;
        }
        if (doc.members() == null) {
            throw typeError(kind(doc.value()), CLAIMS_TYPE);
        }
        String[] strings = { "", "", "", "" };
        GoError first = null;
        for (Map.Entry<String, Object> member : doc.members()) {
            String field = field(member.getKey());
            if (field == null) {
                continue;
            }
            Object value = member.getValue();
            GoError error = null;
            if (LIST_FIELDS.contains(field)) {
                if (value instanceof List<?> list) {
                    for (Object element : list) {
                        if (element != null && !(element instanceof String)) {
                            error = fieldError(kind(element), field, "string");
                            break;
                        }
                    }
                } else if (value != null) {
                    error = fieldError(kind(value), field, "[]string");
                }
            } else if (value instanceof String s) {
                strings[STRING_FIELDS.indexOf(field)] = s;
            } else if (value != null) {
                error = fieldError(kind(value), field, "string");
            }
            if (first == null) {
                first = error;
            }
        }
        if (first != null) {
            throw first;
        }
        return new Claims(strings[0], strings[1], strings[2], strings[3]);
    }

    /**
     * The {@code Claims} field a key lands in, or {@code null}. Go prefers an exact match and otherwise folds case
     * ({@code bytes.EqualFold}); every field name here is lowercase ASCII letters, so a key matches when it has as many
     * characters and each is the letter in either case, or {@code ſ} (U+017F) for s, or {@code K} (U+212A) for k.
     */
    static String field(String key) {
        for (String name : STRING_FIELDS) {
            if (folds(key, name)) {
                return name;
            }
        }
        for (String name : LIST_FIELDS) {
            if (folds(key, name)) {
                return name;
            }
        }
        return null;
    }

    private static boolean folds(String key, String name) {
        int[] cps = key.codePoints().toArray();
        if (cps.length != name.length()) {
            return false;
        }
        for (int k = 0; k < cps.length; k++) {
            char letter = name.charAt(k);
            int c = cps[k];
            boolean same = c == letter || c == Character.toUpperCase(letter)
                    || letter == 's' && c == '\u017F' || letter == 'k' && c == '\u212A';
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** How Go's {@code UnmarshalTypeError} names a JSON value. */
    static String kind(Object value) {
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Map<?, ?>) {
            return "object";
        }
        if (value instanceof List<?>) {
            return "array";
        }
        return "number";
    }

    private static GoError typeError(String value, String type) {
        return new GoError("json: cannot unmarshal " + value + " into Go value of type " + type);
    }

    private static GoError fieldError(String value, String field, String type) {
        return new GoError("json: cannot unmarshal " + value + " into Go struct field Claims." + field + " of type " + type);
    }
}
