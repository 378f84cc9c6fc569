package io.pxtoken.keys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.pxtoken.Eventually;
import io.pxtoken.LogCapture;

/** The poller both key stores run on, and the two-equal-reads rule they adopt a changed file by. */
class KeyFilePollerTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theFirstUsableReadIsAdoptedAtOnceAChangeOnlyWhenReadTwice() {
        KeyFilePoller.Adoption a = new KeyFilePoller.Adoption();
        assertTrue(a.adopt(true, bytes("first")));
        assertFalse(a.adopt(false, bytes("half-wri")), "a change waits for the next read");
        assertFalse(a.adopt(false, bytes("half-written")), "another read, other bytes: still waiting");
        assertTrue(a.adopt(false, bytes("half-written")), "two equal reads in a row");
        assertFalse(a.adopt(false, bytes("next")));
        a.reset();
        assertFalse(a.adopt(false, bytes("next")), "after a reset the change is looked at anew");
        assertTrue(a.adopt(false, bytes("next")));
    }

    static java.util.stream.Stream<Thread> pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("pxkeys-test-reload"));
    }

    @Test
    void aFailingReloadIsLoggedByItsClassAndPollingGoesOn() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        KeyFilePoller poller;
        try (LogCapture logs = LogCapture.start()) {
            poller = KeyFilePoller.start("pxkeys-test-reload", Duration.ofMillis(1), () -> {
                three.countDown();
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("secret-looking text from a file");
                }
            }, "the test key", Logger.getLogger(KeyFilePollerTest.class));
            assertTrue(three.await(10, TimeUnit.SECONDS), "reloads after a failure: " + calls.get());
            assertTrue(pollerThreads().count() == 1 && pollerThreads().allMatch(Thread::isDaemon),
                    "one daemon thread: a poller never keeps the JVM up");
            poller.stop();
            assertTrue(logs.lines().contains(KeyFilePollerTest.class.getName()
                    + " Checking the test key failed: java.lang.IllegalStateException"), logs.lines().toString());
            assertTrue(logs.lines().stream().noneMatch(l -> l.contains("secret-looking")));
        }
        // stop() ends the poller's thread
        Eventually.within(Duration.ofSeconds(10), () -> pollerThreads().noneMatch(Thread::isAlive), "the poller thread ends");
    }
}
