package io.pxtoken.ops;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.auth.Caller;
import io.pxtoken.token.TokenMetrics;
import io.pxtoken.token.TokenVerifier;
import io.pxtoken.token.Verification;

/** Verifying a token as Portworx would. Every authenticated caller may; the verdict is the answer, valid or not. */
@ApplicationScoped
public class VerifyOperation {

    private final TokenVerifier verifier;
    private final TokenMetrics metrics;

    public VerifyOperation(TokenVerifier verifier, TokenMetrics metrics) {
        this.verifier = verifier;
        this.metrics = metrics;
    }

    public Verification verify(Caller caller, String token) {
        Verification v = verifier.verify(token);
        metrics.verified(v.result());
        return v;
    }
}
