package io.pxtoken.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
}
