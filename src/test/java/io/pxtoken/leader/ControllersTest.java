package io.pxtoken.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pxtoken.config.PxTokenConfig;
import io.pxtoken.kube.Informers;

/**
 * The runtime with real worker threads and reconcilers of the test's making (no cluster: they open no cache). Time
 * (backoff) is the test's counter; waits are latches, never sleeps.
 */
class ControllersTest {

    /** A reconciler of kind {@code T} that runs what the test says for each key. */
    static final class Scripted implements Reconciler {
        interface Body {
            Result run(Key key) throws Exception;
        }

        final Body body;
        final List<Key> seen = new CopyOnWriteArrayList<>();

        Scripted(Body body) {
            this.body = body;
        }

        @Override
        public String off() {
            return null;
        }

        @Override
        public Set<String> kinds() {
            return Set.of("T");
        }

        @Override
        public void open(Setup setup) {
        }

        @Override
        public Result reconcile(Key key) throws Exception {
            seen.add(key);
            return body.run(key);
        }
    }

    /** A PxTokenConfig answering {@code values} by dotted method path. */
    static PxTokenConfig config(Map<String, Object> values) {
        return (PxTokenConfig) stub(PxTokenConfig.class, "", values);
    }

    private static Object stub(Class<?> type, String prefix, Map<String, Object> values) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
            String path = prefix + m.getName();
            if (values.containsKey(path)) {
                return values.get(path);
            }
            if (m.getReturnType().isInterface() && m.getReturnType().getName().startsWith(PxTokenConfig.class.getName())) {
                return stub(m.getReturnType(), path + ".", values);
            }
            throw new UnsupportedOperationException(path);
        });
    }

    final AtomicLong nanos = new AtomicLong();
    Controllers controllers;

    Controllers start(int workers, Reconciler r) {
        controllers = new Controllers(config(Map.of("controller.workers", workers,
                "renewal.firstRetry", Duration.ofSeconds(10), "renewal.maxRetryInterval", Duration.ofMinutes(5))),
                new Informers(null), List.of(r), nanos::get);
        assertEquals(null, controllers.off());
        controllers.startLeading();
        return controllers;
    }

    @AfterEach
    void stop() {
        if (controllers != null) {
            controllers.stopLeading();
        }
    }

    static Key key(String ns, String name) {
        return new Key("T", ns, name);
    }

    static void within(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 20 s: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    @Test
    void workersRunDifferentKeysAtOnceButNeverTwoOnOneKey() throws Exception {
        Key held = key("apps", "held");
        CountDownLatch heldIn = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<Key, AtomicInteger> inside = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger maxAtOnce = new AtomicInteger();
        AtomicInteger atOnce = new AtomicInteger();
        CountDownLatch pair = new CountDownLatch(2);
        Scripted r = new Scripted(k -> {
            if (inside.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            maxAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            try {
                if (k.equals(held) && heldIn.getCount() > 0) {
                    heldIn.countDown();
                    assertTrue(release.await(20, TimeUnit.SECONDS));
                }
                if (k.name().startsWith("pair")) {
                    // both pair keys must be worked at the same time for either to go on
                    pair.countDown();
                    assertTrue(pair.await(20, TimeUnit.SECONDS), "two workers at once");
                }
                return Result.done();
            } finally {
                atOnce.decrementAndGet();
                inside.get(k).decrementAndGet();
            }
        });
        start(4, r);
        WorkQueue q = queueOf(controllers);
        q.add(held);
        assertTrue(heldIn.await(20, TimeUnit.SECONDS));
        // while one worker holds it, the key is added again and again; three workers are free and busy with others
        for (int i = 0; i < 200; i++) {
            q.add(held);
            q.add(key("ns" + (i % 10), "k" + i));
        }
        q.add(key("a", "pair-1"));
        q.add(key("b", "pair-2"));
        within(() -> r.seen.stream().filter(k -> k.name().startsWith("k")).count() == 200 && pair.getCount() == 0,
                "the other keys are worked meanwhile");
        assertEquals(1, r.seen.stream().filter(held::equals).count(), "no second worker took the held key");
        release.countDown();
        within(() -> r.seen.stream().filter(held::equals).count() == 2, "worked again once its worker was done");
        assertEquals(0, overlaps.get(), "one key was never reconciled by two workers at once");
        assertTrue(maxAtOnce.get() >= 2, "the workers did run at once: " + maxAtOnce.get());
        within(() -> q.queued() == 0, "drained");
        assertEquals(2, r.seen.stream().filter(held::equals).count(), "the 200 adds of the held key made one reconcile");
    }

    @Test
    void aKeyThatThrowsIsRetriedWithBackoffWhileTheOthersProceed() throws Exception {
        Key bad = key("apps", "bad");
        List<Long> attempts = Collections.synchronizedList(new ArrayList<>());
        Scripted r = new Scripted(k -> {
            if (k.equals(bad)) {
                attempts.add(nanos.get());
                throw new IllegalStateException("the API server refused (test)");
            }
            return Result.done();
        });
        start(2, r);
        WorkQueue q = queueOf(controllers);
        q.add(bad);
        within(() -> attempts.size() == 1, "first attempt");
        for (int i = 0; i < 100; i++) {
            q.add(key("apps", "good-" + i));
        }
        within(() -> r.seen.stream().filter(k -> k.name().startsWith("good")).count() == 100, "the others proceed");
        assertEquals(1, attempts.size(), "not retried before its backoff, the clock has not moved");
        assertEquals(1, q.failures(bad));
        // time passes a second at a time; each step wakes the workers with a key of another lane
        for (int s = 1; s <= 120 && attempts.size() < 4; s++) {
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
            Key tick = key("tick", "t" + s);
            q.add(tick);
            within(() -> r.seen.contains(tick), "tick " + tick.name());
        }
        // the attempt a tick woke may still be under way on another worker
        within(() -> attempts.size() >= 4, "retried three times");
        assertEquals(4, attempts.size(), "retried three times, no more");
        long first = attempts.get(1) - attempts.get(0);
        long second = attempts.get(2) - attempts.get(1);
        long third = attempts.get(3) - attempts.get(2);
        assertTrue(first >= TimeUnit.SECONDS.toNanos(10) && first <= TimeUnit.SECONDS.toNanos(11), "10 s: " + first);
        assertTrue(second >= TimeUnit.SECONDS.toNanos(20) && second <= TimeUnit.SECONDS.toNanos(21), "20 s: " + second);
        assertTrue(third >= TimeUnit.SECONDS.toNanos(40) && third <= TimeUnit.SECONDS.toNanos(41), "40 s: " + third);
    }

    @Test
    void aKeyOfAQuietNamespaceIsWorkedBeforeABusyNamespacesBacklogDrains() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Key first = key("busy", "first");
        Scripted r = new Scripted(k -> {
            if (k.equals(first)) {
                assertTrue(release.await(20, TimeUnit.SECONDS));
            }
            return Result.done();
        });
        start(1, r);
        WorkQueue q = queueOf(controllers);
        q.add(first);
        within(() -> r.seen.contains(first), "the one worker is busy");
        for (int i = 0; i < 1_000; i++) {
            q.add(key("busy", "t" + i));
        }
        Key quiet = key("quiet", "one");
        q.add(quiet);
        release.countDown();
        within(() -> r.seen.contains(quiet), "the quiet key");
        int at = r.seen.indexOf(quiet);
        assertTrue(at <= 2, "worked at position " + at + " of 1,002, not after the busy namespace's 1,000");
        within(() -> r.seen.size() == 1_002, "everything");
    }

    @Test
    void aReconcileThatAsksToLookAgainIsQueuedAfterThatDelay() throws Exception {
        Key k = key("apps", "timer");
        Scripted r = new Scripted(x -> Result.after(Duration.ofMinutes(1)));
        start(1, r);
        WorkQueue q = queueOf(controllers);
        q.add(k);
        within(() -> r.seen.size() == 1, "first");
        within(() -> q.delayed() == 1, "waits its delay");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
        q.add(key("tick", "t"));
        within(() -> r.seen.stream().filter(k::equals).count() == 2, "again after a minute");
    }

    @Test
    void aStoppedLeadershipWorksNoMoreKeys() throws Exception {
        Scripted r = new Scripted(x -> Result.done());
        start(2, r);
        WorkQueue q = queueOf(controllers);
        controllers.stopLeading();
        q.add(key("apps", "late"));
        assertTrue(!controllers.leading());
        assertTrue(!controllers.reconcileNow(key("apps", "late"), Duration.ZERO));
        assertEquals(List.of(), r.seen);
        controllers = null;
    }

    private static WorkQueue queueOf(Controllers c) {
        return c.queue();
    }
}
