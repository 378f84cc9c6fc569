package io.pxtoken.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The pacing of writes is shared fairly by lanes, not by threads (issue 22: a ClusterPxToken behind a backlog). */
class WritePacingTest {

    /** Runs {@code writes} paced writes in {@code lane} on a new thread, noting each in {@code log}. */
    static Thread writer(WritePacing pacing, String lane, int writes, List<String> log, CountDownLatch start) {
        Thread t = new Thread(() -> {
            WritePacing.enter(lane);
            try {
                start.await();
                for (int i = 0; i < writes; i++) {
                    pacing.await();
                    log.add(lane);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                WritePacing.leave();
            }
        }, "writer-" + lane);
        t.start();
        return t;
    }

    @Test
    void aLaneWithOneWriterGetsEveryOtherWriteFromALaneWithThree() throws Exception {
        WritePacing pacing = new WritePacing(1000, 1, System::nanoTime);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(writer(pacing, "PxToken/busy", 40, log, start));
        }
        threads.add(writer(pacing, "ClusterPxToken/", 20, log, start));
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(140, log.size(), "every write went");
        int busyBefore = 0;
        int cluster = 0;
        for (String lane : log) {
            if (lane.startsWith("Cluster")) {
                if (++cluster == 20) {
                    break;
                }
            } else {
                busyBefore++;
            }
        }
        // in turn: about one busy write per cluster write (20); shared by thread, three per cluster write (60)
        assertTrue(busyBefore <= 30, "busy writes before the cluster lane's 20th: " + busyBefore + " " + log);
    }

    @Test
    void aWriteOutsideAnyReconcileIsPacedToo() throws Exception {
        WritePacing pacing = new WritePacing(1000, 2, System::nanoTime);
        long started = System.nanoTime();
        for (int i = 0; i < 12; i++) {
            pacing.await();
        }
        // 2 at once, then 10 more at 1,000 per second: at least 10 ms
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(9), "paced");
    }

    @Test
    void anInterruptedWriterLeavesTheLineAndOthersGoOn() throws Exception {
        WritePacing pacing = new WritePacing(0.001, 1, System::nanoTime);
        pacing.await(); // the burst: the next write would wait 1,000 s
        Thread stuck = new Thread(() -> {
            WritePacing.enter("PxToken/a");
            try {
                pacing.pace();
            } catch (CancellationException e) {
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is kept");
                return;
            }
            throw new AssertionError("paced through an empty bucket");
        });
        stuck.start();
        stuck.interrupt();
        stuck.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(!stuck.isAlive(), "the interrupted writer left");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, pacing::await, "an interrupted worker does not write");
        Thread.interrupted();
    }
}
