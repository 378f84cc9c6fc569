package io.pxtoken;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the warnings and errors a test provokes on purpose (a missing secret file, a Kubernetes API that fails) off
 * the console, so that a passing build reads clean. The lines are captured per test and printed only when that test
 * fails. Register as {@code @RegisterExtension static final QuietLogs QUIET = new QuietLogs("io.pxtoken.kube.TokenSecrets");}.
 * Logs written while a Quarkus test instance starts are set in its test profile instead
 * ({@code quarkus.log.category."...".level}), since the start configures logging anew.
 */
public final class QuietLogs implements BeforeEachCallback, AfterEachCallback {

    private final List<String> categories;
    private final List<Logger> quieted = new ArrayList<>();
    private final List<String> captured = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                    : new SimpleFormatter().formatMessage(record);
            captured.add(record.getLevel() + " [" + record.getLoggerName() + "] " + message
                    + (record.getThrown() == null ? "" : " | " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public QuietLogs(String... categories) {
        this.categories = List.of(categories);
        capture.setLevel(Level.ALL);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        captured.clear();
        for (String category : categories) {
            Logger logger = Logger.getLogger(category);
            logger.setUseParentHandlers(false);
            logger.addHandler(capture);
            quieted.add(logger);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Logger logger : quieted) {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(true);
        }
        quieted.clear();
        if (context.getExecutionException().isPresent() && !captured.isEmpty()) {
            System.out.println("Logs kept off the console during " + context.getDisplayName() + ":");
            captured.forEach(line -> System.out.println("  " + line));
        }
    }
}
