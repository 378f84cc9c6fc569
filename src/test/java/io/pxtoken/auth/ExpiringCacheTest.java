package io.pxtoken.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** Access decisions: reused for the TTL, never past the credential, and asked once by many waiting requests. */
class ExpiringCacheTest {

    final VerifiedBearersTest.MovingClock clock = new VerifiedBearersTest.MovingClock();
    final ExpiringCache<Boolean> cache = new ExpiringCache<>(Duration.ofSeconds(10), clock);

    @Test
    void requestsThatMissTogetherShareOneLoad() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Thread> waiting = new ArrayList<>();
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    synchronized (waiting) {
                        waiting.add(Thread.currentThread());
                    }
                    return cache.get("user|check", null, () -> {
                        loads.incrementAndGet();
                        entered.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return true;
                    });
                }));
            }
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            // every other request is parked on the one load (or has not looked yet: then it finds the entry)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                long parked;
                synchronized (waiting) {
                    parked = waiting.stream().filter(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING).count();
                }
                if (parked == 8 || System.nanoTime() > deadline) {
                    break;
                }
                Thread.onSpinWait();
            }
            release.countDown();
            for (Future<Boolean> a : answers) {
                assertTrue(a.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, loads.get(), "one SubjectAccessReview for eight requests");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedLoadIsNotCachedAndTheTtlAndExpiryBound() {
        assertThrows(IllegalStateException.class, () -> cache.get("k", null, () -> {
            throw new IllegalStateException("API server down");
        }));
        AtomicInteger loads = new AtomicInteger();
        assertTrue(cache.get("k", null, () -> loads.incrementAndGet() > 0));
        assertTrue(cache.get("k", null, () -> loads.incrementAndGet() > 0));
        assertEquals(1, loads.get());
        clock.now = clock.now.plusSeconds(10);
        assertTrue(cache.get("k", null, () -> loads.incrementAndGet() > 0));
        assertEquals(2, loads.get(), "the TTL ended");
        assertTrue(cache.get("e", clock.now.plusSeconds(2), () -> loads.incrementAndGet() > 0));
        clock.now = clock.now.plusSeconds(2);
        assertTrue(cache.get("e", clock.now.plusSeconds(2), () -> loads.incrementAndGet() > 0));
        assertEquals(4, loads.get(), "never past the credential's expiry");
    }
}
