package io.pxtoken;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits (bounded) for a controller to act on what a test did, for tests that cannot move a clock instead. */
public final class Eventually {

    private Eventually() {
    }

    /** Polls {@code condition} every 50 ms; fails naming {@code what} when it is still false after {@code limit}. */
    public static void within(Duration limit, Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadline, "not within " + limit + ": " + what);
            Thread.sleep(50);
        }
    }
}
