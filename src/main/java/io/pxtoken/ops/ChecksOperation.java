package io.pxtoken.ops;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.auth.Caller;
import io.pxtoken.auth.CallerPolicy;
import io.pxtoken.checks.CheckReport;
import io.pxtoken.checks.TokenCheck;

/** The token check on request: the caller's right ({@code get checks.pxtoken.io}), then a fresh run. */
@ApplicationScoped
public class ChecksOperation {

    private final CallerPolicy policy;
    private final TokenCheck check;

    public ChecksOperation(CallerPolicy policy, TokenCheck check) {
        this.policy = policy;
        this.check = check;
    }

    /**
     * @throws io.pxtoken.auth.AccessDeniedException when the caller may not read the check
     * @throws io.pxtoken.kube.KubernetesUnavailableException when no cluster is configured or it cannot be read
     */
    public CheckReport check(Caller caller) {
        policy.mayCheck(caller);
        return check.run().report();
    }
}
