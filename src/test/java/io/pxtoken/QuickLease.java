package io.pxtoken;

import java.util.Map;

/**
 * The leader election of tests whose replica must lead: the Lease in the mock API server's namespace, changing hands
 * in seconds rather than the production 15 s.
 */
public final class QuickLease {

    public static final Map<String, String> SETTINGS = Map.of(
            "pxtoken.leader-election.namespace", "test",
            "pxtoken.leader-election.lease-duration", "3s",
            "pxtoken.leader-election.renew-deadline", "2s",
            "pxtoken.leader-election.retry-period", "200ms");

    private QuickLease() {
    }
}
