package io.pxtoken.renewal;

/**
 * Work that runs on the leader only, beside renewal: started when this replica takes the Lease, stopped when it loses
 * it. Beans of this type are found by {@link RenewalController}, which holds the one election.
 */
public interface LeaderWork {

    /** This replica now leads; must return quickly (start informers, threads). */
    void startLeading();

    /** This replica no longer leads; stop everything started. */
    void stopLeading();
}
