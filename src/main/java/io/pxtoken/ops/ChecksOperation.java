package io.pxtoken.ops;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.auth.Caller;
import io.pxtoken.auth.CallerPolicy;
import io.pxtoken.checks.CheckReport;
import io.pxtoken.checks.TokenCheck;

/**
 * The token check on request: a fresh run, answered with the rows of the namespaces where the caller may
 * {@code get checks.pxtoken.io} (every row with that right cluster-wide); 403 when it may see none.
 */
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
        CheckReport report = check.run().report();
        java.util.Set<String> visible = policy.checkNamespaces(caller,
                report.items().stream().map(i -> i.secret().namespace()).distinct().toList());
        return visible == null ? report
                : new CheckReport(report.checkedAt(), report.items().stream().filter(i -> visible.contains(i.secret().namespace())).toList());
    }
}
