package io.pxtoken.logs;

import java.text.MessageFormat;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Keeps credentials out of every log line, the framework's own included: Quarkus warns about a changed setting by
 * quoting its value ({@code quarkus.kubernetes-client.token is set to '...'}), and a JWT may end up in any library's
 * message. Both are replaced before the line is written. Installed on the console by
 * {@code quarkus.log.console.filter}.
 */
@LoggingFilter(name = CredentialRedaction.NAME)
public final class CredentialRedaction implements Filter {

    public static final String NAME = "redact-credentials";

    /** A setting whose name says it holds a credential, quoted with its value. */
    private static final Pattern SETTING = Pattern.compile(
            "(?i)(\\S*(?:token|password|passwd|secret|credential|private-key|client-key|auth)\\S*\\s+is set to\\s+)'[^']*'");
    /** Three base64url segments, the first a JSON object: a JWT, whoever signed it. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = message(record);
        if (message == null) {
            return true;
        }
        String redacted = redact(message);
        if (!redacted.equals(message)) {
            record.setMessage(redacted);
            record.setParameters(null);
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
            }
        }
        return true;
    }

    /** The text with each credential replaced by {@code <redacted>}. */
    public static String redact(String text) {
        if (!text.contains("eyJ") && !text.contains(" is set to ")) {
            return text;
        }
        String s = SETTING.matcher(text).replaceAll("$1'<redacted>'");
        return JWT.matcher(s).replaceAll("<redacted-token>");
    }

    private static String message(LogRecord record) {
        String raw = record.getMessage();
        Object[] params = record.getParameters();
        if (raw == null || params == null || params.length == 0) {
            return raw;
        }
        try {
            if (record instanceof ExtLogRecord ext) {
                return ext.getFormattedMessage();
            }
            return MessageFormat.format(raw, params);
        } catch (RuntimeException e) {
            return raw;
        }
    }
}
