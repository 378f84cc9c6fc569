package io.pxtoken.keys;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * How the key stores follow their files: a reload on a daemon thread of its own, every {@code pxtoken.keys.reload-interval}
 * (at least 50 ms) after the previous one ended, a reload that throws logged by its exception class only (never a
 * message that could quote a file), and stopped with the store. {@link Adoption} is the rule both stores apply to what
 * a reload reads: a changed file is adopted once two reads in a row return the same bytes, so a file caught
 * half-written by an update is never signed with.
 */
final class KeyFilePoller {

    private final ScheduledExecutorService executor;

    private KeyFilePoller(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * @param thread the poller thread's name
     * @param what what is checked, for the failure line ("the shared secret in /etc/pxkeys/shared-secret")
     * @param log the store's logger: the failure line keeps the store's category
     */
    static KeyFilePoller start(String thread, Duration interval, Runnable reload, String what, Logger log) {
        long millis = Math.max(50, interval.toMillis());
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                reload.run();
            } catch (RuntimeException e) {
                log.errorf("Checking %s failed: %s", what, e.getClass().getName());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        return new KeyFilePoller(executor);
    }

    void stop() {
        executor.shutdownNow();
    }

    /** The bytes of a changed key file, held until the next read says whether they are complete. Not thread-safe. */
    static final class Adoption {

        private byte[] pending;

        /**
         * @param nothingLoaded true when no key is in use yet: the first usable read is adopted at once
         * @return true when {@code bytes} are to be adopted now; false when they wait for the next read
         */
        boolean adopt(boolean nothingLoaded, byte[] bytes) {
            if (nothingLoaded || Arrays.equals(pending, bytes)) {
                pending = null;
                return true;
            }
            pending = bytes;
            return false;
        }

        /** The file holds the key in use again, or nothing: a change seen before is forgotten. */
        void reset() {
            pending = null;
        }
    }
}
