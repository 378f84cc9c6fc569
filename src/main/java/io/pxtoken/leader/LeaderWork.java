package io.pxtoken.leader;

import java.util.concurrent.ThreadFactory;

/**
 * Work that runs on the leader only: renewal, declared tokens, the continuous token check. Every bean of this type
 * runs under the one election of {@link LeaderElection}: started when this replica takes the Lease, stopped when it
 * loses it.
 */
public interface LeaderWork {

    /**
     * Why this work does not run on this replica (a setting off, nothing to watch), or {@code null} when it does. Asked
     * once, at start-up; the election runs only when some work runs.
     */
    String off();

    /** This replica now leads; must return quickly (start informers, threads). */
    void startLeading();

    /** This replica no longer leads; stop everything started. */
    void stopLeading();

    /** Threads for a work's executors: named for thread dumps, daemons so that they never hold the JVM open. */
    static ThreadFactory threads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
