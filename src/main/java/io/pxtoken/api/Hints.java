package io.pxtoken.api;

import java.util.Locale;

/**
 * Hints for mistakes a newcomer makes often. A hint goes beside Portworx's reason or the problem's detail, never
 * instead of it, and never quotes what was sent.
 */
final class Hints {

    static final String NOT_JSON = "The body does not start like JSON. A pxctl auth-config file (admin.yaml) is YAML: "
            + "send it with Content-Type: application/yaml";
    static final String VERIFY_NOT_JSON = "The body does not start like JSON. Send a bare token with Content-Type: "
            + "text/plain, or as JSON: {\"token\": \"eyJ...\"}";
    static final String BEARER_PREFIX = "Paste the token alone: 'Bearer ' belongs in an Authorization header, "
            + "not in the token";
    static final String WHOLE_RESPONSE = "This looks like a whole mint response; paste only the value of its "
            + "\"token\" field (or mint with Accept: text/plain to get the bare token)";
    static final String QUOTED = "Paste the token without the quotes around it";

    /** The fields of a mint answer (MintResponse) besides "token": one of them in a verify body is a pasted answer. */
    static final java.util.Set<String> MINT_ANSWER_FIELDS = java.util.Set.of("issuer", "subject", "roles", "groups", "issuedAt",
            "expiresAt", "jti", "keyFingerprint", "secret");

    private Hints() {
    }

    /** A hint about a token pasted into verify, or {@code null} when it looks like a token. */
    static String forToken(String token) {
        String t = token.strip();
        if (t.toLowerCase(Locale.ROOT).startsWith("bearer ") || t.regionMatches(true, 0, "authorization:", 0, 14)) {
            return BEARER_PREFIX;
        }
        if (t.startsWith("{") && t.contains("\"token\"")) {
            return WHOLE_RESPONSE;
        }
        if (t.length() > 1 && (t.startsWith("\"") && t.endsWith("\"") || t.startsWith("'") && t.endsWith("'"))) {
            return QUOTED;
        }
        return null;
    }
}
