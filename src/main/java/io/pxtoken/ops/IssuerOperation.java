package io.pxtoken.ops;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.pxtoken.auth.Caller;
import io.pxtoken.keys.KeyStatus;
import io.pxtoken.keys.SharedSecretStore;
import io.pxtoken.token.TokenIssuer;

/** What this service signs with. Every authenticated caller may read it; the secret itself is never part of it. */
@ApplicationScoped
public class IssuerOperation {

    /** The issuer's public facts. */
    public record IssuerInfo(String issuer, String algorithm, KeyStatus key, String defaultDuration, String maxDuration,
            List<String> allowedRoles) {
    }

    private final TokenIssuer issuer;
    private final SharedSecretStore keys;
    private final java.time.Clock clock;

    public IssuerOperation(TokenIssuer issuer, SharedSecretStore keys, java.time.Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
    }

    /** The service's time, for judging what is valid now. */
    public java.time.Instant now() {
        return clock.instant();
    }

    public IssuerInfo describe(Caller caller) {
        return new IssuerInfo(issuer.issuer(), "HS256", keys.status(), issuer.defaultDuration().text(),
                issuer.maxDuration().text(), issuer.allowedRoles());
    }
}
