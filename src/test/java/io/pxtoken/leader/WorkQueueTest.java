package io.pxtoken.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The work queue, one key at a time by hand, on a clock the test moves. */
class WorkQueueTest {

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final WorkQueue queue = new WorkQueue(new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5)), nanos::get);

    static Key px(String ns, String name) {
        return new Key("PxToken", ns, name);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aKeyAddedAgainWhileItWaitsIsWorkedOnce() {
        Key a = px("apps", "a");
        queue.add(a);
        queue.add(a);
        queue.add(px("apps", "b"));
        queue.add(a);
        assertEquals(2, queue.queued());
        assertEquals(a, queue.poll());
        assertEquals(px("apps", "b"), queue.poll());
        assertNull(queue.poll(), "a was merged, not queued three times");
    }

    @Test
    void aKeyAddedWhileItIsWorkedWaitsForItsWorkerThenComesOnce() {
        Key a = px("apps", "a");
        queue.add(a);
        assertEquals(a, queue.poll());
        queue.add(a);
        queue.add(a);
        assertNull(queue.poll(), "no second holder while the first works it");
        queue.done(a);
        assertEquals(a, queue.poll(), "queued again once its worker is done");
        queue.done(a);
        assertNull(queue.poll(), "once: the two adds were merged");
    }

    @Test
    void aFailingKeyWaitsItsOwnBackoffDoublingWhileOthersProceed() {
        Key bad = px("apps", "bad");
        queue.add(bad);
        assertEquals(bad, queue.poll());
        assertEquals(Duration.ofSeconds(10), queue.retry(bad));
        queue.done(bad);
        queue.add(px("apps", "good"));
        assertEquals(px("apps", "good"), queue.poll(), "the others proceed");
        queue.done(px("apps", "good"));
        advance(Duration.ofMillis(9_999));
        assertNull(queue.poll(), "not before its backoff");
        advance(Duration.ofMillis(1));
        assertEquals(bad, queue.poll());
        assertEquals(Duration.ofSeconds(20), queue.retry(bad), "doubles");
        queue.done(bad);
        advance(Duration.ofSeconds(19));
        assertNull(queue.poll());
        advance(Duration.ofSeconds(1));
        assertEquals(bad, queue.poll());
        assertEquals(Duration.ofSeconds(40), queue.retry(bad));
        queue.done(bad);
        advance(Duration.ofSeconds(40));
        assertEquals(bad, queue.poll());
        queue.forget(bad);
        assertEquals(0, queue.failures(bad));
        assertEquals(Duration.ofSeconds(10), queue.retry(bad), "a success starts over");
    }

    @Test
    void theBackoffStopsAtItsMaximum() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5));
        assertEquals(Duration.ofSeconds(160), b.after(5));
        assertEquals(Duration.ofMinutes(5), b.after(6));
        assertEquals(Duration.ofMinutes(5), b.after(1_000));
    }

    @Test
    void anEventDuringABackoffIsWorkedAtOnce() {
        Key k = px("apps", "a");
        queue.add(k);
        queue.poll();
        queue.retry(k);
        queue.done(k);
        assertNull(queue.poll());
        queue.add(k);
        assertEquals(k, queue.poll(), "a change is looked at now, not after the backoff");
    }

    @Test
    void ofTwoDelaysTheEarlierWins() {
        Key k = px("apps", "a");
        queue.addAfter(k, Duration.ofMinutes(5));
        queue.addAfter(k, Duration.ofSeconds(1));
        queue.addAfter(k, Duration.ofMinutes(10));
        assertEquals(1, queue.delayed());
        advance(Duration.ofSeconds(1));
        assertEquals(k, queue.poll());
        queue.done(k);
        advance(Duration.ofMinutes(10));
        assertNull(queue.poll(), "the later delays were merged into the earlier");
    }

    @Test
    void aKeyOfASmallNamespaceWaitsForOneKeyOfEachBusyLaneNotForTheirBacklogs() {
        for (int i = 0; i < 2_000; i++) {
            queue.add(px("big", "t" + i));
        }
        for (int i = 0; i < 500; i++) {
            queue.add(new Key("Secret", "big", "s" + i));
        }
        queue.add(Key.cluster("ClusterPxToken", "tenants"));
        queue.add(px("small", "one"));
        List<Key> order = new ArrayList<>();
        for (Key k; (k = queue.poll()) != null; ) {
            order.add(k);
            queue.done(k);
        }
        assertEquals(2_502, order.size());
        assertTrue(order.indexOf(Key.cluster("ClusterPxToken", "tenants")) < 4, order.subList(0, 4).toString());
        assertTrue(order.indexOf(px("small", "one")) < 4, order.subList(0, 4).toString());
        assertEquals(px("big", "t0"), order.get(0));
        assertEquals(px("big", "t1"), order.get(4), "the busy lane's keys keep their order");
    }

    @Test
    void aClaimTakesAKeyOutOfTurnAndHoldsIt() throws Exception {
        Key a = px("apps", "a");
        queue.add(a);
        queue.add(px("apps", "b"));
        assertTrue(queue.claim(a));
        assertEquals(px("apps", "b"), queue.poll(), "a is held by the claim, not handed out");
        assertNull(queue.poll());
        queue.done(a);
        assertNull(queue.poll(), "the claim worked the queued a");
    }

    @Test
    void aShutDownQueueHandsOutNothing() throws Exception {
        queue.add(px("apps", "a"));
        queue.shutDown();
        assertNull(queue.poll());
        assertNull(queue.take());
        assertFalse(queue.claim(px("apps", "a")));
    }

    @Test
    void everyKeyAddedIsHandedOutExactlyOnceEvenWhenAddedAgainAndAgain() {
        Set<Key> seen = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100; i++) {
                queue.add(px("ns" + (i % 7), "k" + i));
            }
        }
        for (Key k; (k = queue.poll()) != null; ) {
            assertTrue(seen.add(k), k + " twice");
            queue.done(k);
        }
        assertEquals(100, seen.size());
    }
}
