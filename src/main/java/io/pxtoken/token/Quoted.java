package io.pxtoken.token;

import java.util.regex.Pattern;

/**
 * Quotes a caller's value back in an error message only when it is plainly a name or a duration. Anything else,
 * such as a token pasted into the wrong field, is not repeated: error messages never carry a token.
 */
public final class Quoted {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:@*/+ -]{1,64}");

    private Quoted() {
    }

    public static String value(String text) {
        if (text != null && PLAIN.matcher(text).matches() && !text.contains("eyJ")) {
            return "'" + text + "'";
        }
        return "(value not shown)";
    }
}
