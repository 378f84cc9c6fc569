package io.pxtoken.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** With every leader work off, nothing is elected: no Lease is touched (there is no cluster client here to touch one). */
class LeaderElectionTest {

    @Test
    void noWorkOnMeansNoElection() {
        AtomicInteger started = new AtomicInteger();
        LeaderWork off = new LeaderWork() {
            @Override
            public String off() {
                return "pxtoken.renewal.enabled=false";
            }

            @Override
            public void startLeading() {
                started.incrementAndGet();
            }

            @Override
            public void stopLeading() {
            }
        };
        var registry = new SimpleMeterRegistry();
        // no config, cluster or Leadership: any attempt to elect would fail here
        LeaderElection election = new LeaderElection(null, null, null, registry, List.of(off));
        election.run("replica");
        election.stop();
        assertFalse(election.leading());
        assertEquals(0, started.get());
        assertEquals(0.0, registry.get("pxtoken_leader").gauge().value());
    }

    /**
     * The start-up event hands the election to a thread of its own: the HTTP port does not wait for the Kubernetes
     * client and the elector to be built. Run synchronously, the work below would be asked on the test's thread (and
     * only after its 5 s wait).
     */
    @Test
    void startsOffTheCallersThread() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        AtomicReference<Thread> askedOn = new AtomicReference<>();
        LeaderWork work = new LeaderWork() {
            @Override
            public String off() {
                askedOn.set(Thread.currentThread());
                asked.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "off in this test";
            }

            @Override
            public void startLeading() {
            }

            @Override
            public void stopLeading() {
            }
        };
        LeaderElection election = new LeaderElection(null, null, null, new SimpleMeterRegistry(), List.of(work));
        election.startInBackground("replica");
        release.countDown();
        assertTrue(asked.await(10, TimeUnit.SECONDS), "the election never ran");
        assertNotSame(Thread.currentThread(), askedOn.get(), "the election ran on the starting thread");
        assertEquals("leader-election-start", askedOn.get().getName());
        election.stop();
        assertFalse(election.leading());
    }
}
