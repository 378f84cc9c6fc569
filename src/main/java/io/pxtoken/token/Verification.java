package io.pxtoken.token;

import java.time.Instant;
import java.util.Map;

/**
 * Whether Portworx would accept a token, and why not.
 *
 * @param valid true when every check passed
 * @param result {@code valid} or a short code for the failed check ({@code expired}, {@code signature-invalid}, ...)
 * @param reason {@code null} when valid; otherwise Portworx's own error text
 * @param claims the decoded payload when it could be decoded, else {@code null}
 * @param expiresAt the {@code exp} claim when it is a non-zero number, else {@code null}
 */
public record Verification(boolean valid, String result, String reason, Map<String, Object> claims, Instant expiresAt) {
}
