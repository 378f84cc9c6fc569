package io.pxtoken.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials never pass the console filter, whoever logs them. */
class CredentialRedactionTest {

    static final String TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

    @Test
    void quarkusBuildTimeWarningLosesTheValue() {
        String warning = "Build time property cannot be changed at runtime:\n"
                + " - quarkus.kubernetes-client.token is set to 'sha256~SUPERSECRET' but it is build time fixed to 'null'. "
                + "Did you change the property quarkus.kubernetes-client.token after building the application?\n"
                + " - quarkus.kubernetes-client.api-server-url is set to 'https://10.0.0.1' but it is build time fixed to 'null'.";
        String redacted = CredentialRedaction.redact(warning);
        assertFalse(redacted.contains("SUPERSECRET"), redacted);
        assertTrue(redacted.contains("quarkus.kubernetes-client.token is set to '<redacted>'"), redacted);
        assertTrue(redacted.contains("api-server-url is set to 'https://10.0.0.1'"), "harmless settings stay readable");
    }

    @ParameterizedTest
    @ValueSource(strings = { "quarkus.kubernetes-client.password", "quarkus.kubernetes-client.client-key-data",
            "QUARKUS_KUBERNETES_CLIENT_OAUTH_TOKEN", "pxtoken.something-secret", "quarkus.http.auth.basic" })
    void anySettingNamedLikeACredentialIsRedacted(String name) {
        String redacted = CredentialRedaction.redact(name + " is set to 'hunter2hunter2' but it is build time fixed to 'x'");
        assertFalse(redacted.contains("hunter2"), redacted);
    }

    @Test
    void jwtsAnywhereAreRedacted() {
        String redacted = CredentialRedaction.redact("request failed for Bearer " + TOKEN + " at /x");
        assertEquals("request failed for Bearer <redacted-token> at /x", redacted);
    }

    @Test
    void theFilterRewritesFormattedRecordsAndKeepsThem() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "token %s leaked", ExtLogRecord.FormatStyle.PRINTF,
                CredentialRedactionTest.class.getName());
        record.setParameters(new Object[] { TOKEN });
        assertTrue(new CredentialRedaction().isLoggable(record));
        assertEquals("token <redacted-token> leaked", record.getFormattedMessage());
        ExtLogRecord plain = new ExtLogRecord(Level.INFO, "nothing to hide", CredentialRedactionTest.class.getName());
        assertTrue(new CredentialRedaction().isLoggable(plain));
        assertEquals("nothing to hide", plain.getFormattedMessage());
    }
}
