package io.pxtoken.leader;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The controllers' work queue, shaped like client-go's rate-limited workqueue:
 * <ul>
 * <li>a key added again while it waits is merged: it is worked once;</li>
 * <li>a key is handed to one worker at a time: one added while it is being worked waits until {@link #done} and is
 * then queued again, so no two workers ever hold the same key;</li>
 * <li>{@link #retry} puts a key back after its own exponential backoff ({@link Backoff}), {@link #forget} clears it;</li>
 * <li>{@link #addAfter} delays a key; of two delays of one key the earlier wins;</li>
 * <li>fair: every lane (a kind and namespace, {@link Key#lane()}) has its own FIFO, and lanes are served in turn, so
 * the one key of a small namespace waits for one key of each busy lane, not for their backlogs.</li>
 * </ul>
 * Time is read from {@code nanos} (a monotonic source: delays protect the API server whatever the service's clock
 * says), so tests drive it by hand.
 */
public final class WorkQueue {

    /** A key due at {@code at}; {@code seq} orders keys due at once. */
    private record Delayed(long at, long seq, Key key) implements Comparable<Delayed> {
        @Override
        public int compareTo(Delayed o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** The longest a blocked {@link #take} sleeps before it looks at the time again. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier nanos;
    private final Backoff backoff;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Lane to its keys, in the order they came; only lanes with keys are here. */
    private final Map<String, ArrayDeque<Key>> lanes = new HashMap<>();
    /** Lanes with keys, in the order they are served. */
    private final ArrayDeque<String> ring = new ArrayDeque<>();
    /** Keys to be worked: in a lane, or (when also in {@link #processing}) once their worker is done. */
    private final Set<Key> dirty = new HashSet<>();
    private final Set<Key> processing = new HashSet<>();
    private final Map<Key, Delayed> waiting = new HashMap<>();
    private final TreeSet<Delayed> delays = new TreeSet<>();
    private final Map<Key, Integer> failures = new HashMap<>();
    private long seq;
    private boolean shutDown;

    /**
     * @param nanos the time in nanoseconds, monotonic ({@code System::nanoTime}; a counter in tests)
     */
    public WorkQueue(Backoff backoff, LongSupplier nanos) {
        this.backoff = backoff;
        this.nanos = nanos;
    }

    /** Queues the key now, unless it is queued already. */
    public void add(Key key) {
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            Delayed d = waiting.remove(key);
            if (d != null) {
                delays.remove(d);
            }
            enqueue(key);
        } finally {
            lock.unlock();
        }
    }

    /** Queues the key after {@code delay}; nothing when it is queued already or due sooner. */
    public void addAfter(Key key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        lock.lock();
        try {
            if (shutDown || (dirty.contains(key) && !processing.contains(key))) {
                return;
            }
            long at = nanos.getAsLong() + delay.toNanos();
            Delayed before = waiting.get(key);
            if (before != null) {
                if (before.at() - at <= 0) {
                    return;
                }
                delays.remove(before);
            }
            Delayed d = new Delayed(at, seq++, key);
            waiting.put(key, d);
            delays.add(d);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The key failed: queued again after its backoff, which doubles with each failure in a row.
     *
     * @return how long it waits
     */
    public Duration retry(Key key) {
        Duration wait;
        lock.lock();
        try {
            int n = failures.merge(key, 1, Integer::sum);
            wait = backoff.after(n);
        } finally {
            lock.unlock();
        }
        addAfter(key, wait);
        return wait;
    }

    /** The key succeeded: its next failure waits the first backoff again. */
    public void forget(Key key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** The failures in a row of the key. */
    public int failures(Key key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next key due, now, or null when none is. The caller holds it until {@link #done}: no one else gets it
     * meanwhile.
     */
    public Key poll() {
        lock.lock();
        try {
            return shutDown ? null : next();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next key; null once the queue is shut down. The caller holds it until {@link #done}. */
    public Key take() throws InterruptedException {
        lock.lock();
        try {
            while (!shutDown) {
                Key k = next();
                if (k != null) {
                    return k;
                }
                long wait = MAX_WAIT_NANOS;
                if (!delays.isEmpty()) {
                    wait = Math.min(wait, Math.max(1, delays.first().at() - nanos.getAsLong()));
                }
                changed.awaitNanos(wait);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code key} out of turn (a run asked for by hand): waits while a worker holds it, then holds it, whether
     * it was queued or not, until {@link #done}.
     *
     * @return false when the queue is shut down
     */
    public boolean claim(Key key) throws InterruptedException {
        lock.lock();
        try {
            while (!shutDown && processing.contains(key)) {
                changed.await();
            }
            if (shutDown) {
                return false;
            }
            if (dirty.remove(key)) {
                ArrayDeque<Key> lane = lanes.get(key.lane());
                lane.remove(key);
                if (lane.isEmpty()) {
                    lanes.remove(key.lane());
                    ring.remove(key.lane());
                }
            }
            processing.add(key);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The holder of {@code key} is done with it: a key added meanwhile is queued now. */
    public void done(Key key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key) && !shutDown) {
                push(key);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Hands out no more keys and wakes every waiting {@link #take}. */
    public void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Keys queued now (not the delayed ones, not those being worked). */
    public int queued() {
        lock.lock();
        try {
            return (int) dirty.stream().filter(k -> !processing.contains(k)).count();
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting for a delay or a backoff. */
    public int delayed() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Key key) {
        if (!dirty.add(key)) {
            return;
        }
        if (!processing.contains(key)) {
            push(key);
        }
    }

    private void push(Key key) {
        ArrayDeque<Key> lane = lanes.get(key.lane());
        if (lane == null) {
            lane = new ArrayDeque<>();
            lanes.put(key.lane(), lane);
            ring.addLast(key.lane());
        }
        lane.addLast(key);
        changed.signalAll();
    }

    /** Moves the delays that are due into their lanes, then takes one key of the next lane in turn. */
    private Key next() {
        long now = nanos.getAsLong();
        while (!delays.isEmpty() && delays.first().at() - now <= 0) {
            Delayed d = delays.pollFirst();
            waiting.remove(d.key());
            enqueue(d.key());
        }
        String laneName = ring.pollFirst();
        if (laneName == null) {
            return null;
        }
        ArrayDeque<Key> lane = lanes.get(laneName);
        Key key = lane.pollFirst();
        if (lane.isEmpty()) {
            lanes.remove(laneName);
        } else {
            ring.addLast(laneName);
        }
        dirty.remove(key);
        processing.add(key);
        return key;
    }
}
