package io.pxtoken.checks;

/** What Portworx will make of the token in one Secret, as the check sees it. */
public enum Verdict {
    /** Portworx accepts it now and for longer than {@code pxtoken.checks.expiry-warning}. */
    OK("ok", false),
    /** Valid now, but it expires within {@code pxtoken.checks.expiry-warning}. */
    EXPIRING("expiring", true),
    /** Portworx rejects it: {@code Token is expired}. */
    EXPIRED("expired", true),
    /** Portworx rejects it until its {@code iat} (or {@code nbf}) has come: {@code Token used before issued}. */
    NOT_YET_VALID("not-yet-valid", true),
    /** It does not verify with the current shared secret (or is not signed with a shared secret at all). */
    BAD_SIGNATURE("bad-signature", true),
    /** Another issuer's token: Portworx may still accept it if it trusts that issuer; its expiry is unverified. */
    OTHER_ISSUER("other-issuer", false),
    /** Portworx rejects it for another reason given in {@code reason} (a required claim missing, an empty sub, no iss). */
    REJECTED("rejected", true),
    /** The Secret does not exist. */
    MISSING_SECRET("missing-secret", true),
    /** The Secret has no {@code auth-token} key. */
    MISSING_KEY("missing-key", true),
    /** The value under {@code auth-token} is not a JWT. */
    NOT_A_TOKEN("not-a-token", true),
    /** The service may not read Secrets in that namespace ({@code pxtoken.checks.namespaces}), so it cannot tell. */
    NOT_PERMITTED("not-permitted", false);

    private final String label;
    private final boolean fails;

    Verdict(String label, boolean fails) {
        this.label = label;
        this.fails = fails;
    }

    /** The name in answers, metrics and Events, e.g. {@code missing-key}. */
    public String label() {
        return label;
    }

    /** Whether a volume operation with this token fails, now or within the expiry warning. */
    public boolean fails() {
        return fails;
    }

    @Override
    public String toString() {
        return label;
    }
}
