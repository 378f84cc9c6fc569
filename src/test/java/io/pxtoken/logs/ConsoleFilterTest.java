package io.pxtoken.logs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The running service's console handler carries the redaction filter. */
@QuarkusTest
class ConsoleFilterTest {

    @Test
    void theConsoleRedactsCredentials() {
        List<Handler> consoles = new ArrayList<>();
        collect(LogContext.getLogContext().getLogger("").getHandlers(), consoles);
        assertFalse(consoles.isEmpty(), "a console handler is installed");
        for (Handler console : consoles) {
            ExtLogRecord record = new ExtLogRecord(Level.WARNING,
                    "quarkus.kubernetes-client.token is set to 'sha256~leak' but it is build time fixed to 'null'",
                    ConsoleFilterTest.class.getName());
            assertTrue(console.getFilter() == null || console.getFilter().isLoggable(record));
            assertTrue(console.getFilter() != null, "console handler " + console + " has no filter");
            assertFalse(record.getFormattedMessage().contains("leak"), record.getFormattedMessage());
        }
    }

    private static void collect(Handler[] handlers, List<Handler> consoles) {
        for (Handler h : handlers) {
            if (h instanceof ConsoleHandler) {
                consoles.add(h);
            }
            if (h instanceof org.jboss.logmanager.ExtHandler ext) {
                collect(ext.getHandlers(), consoles);
            }
        }
    }
}
