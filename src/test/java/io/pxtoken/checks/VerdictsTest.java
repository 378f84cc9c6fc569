package io.pxtoken.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pxtoken.kube.SecretLookup;
import io.pxtoken.token.Verification;

/** From what a Secret holds and what Portworx's verifier says of it, to a verdict. */
class VerdictsTest {

    static final Instant NOW = Instant.parse("2027-01-10T12:00:00Z");
    static final Duration WARNING = Duration.ofDays(7);
    static final SecretRef REF = SecretRef.of("portworx", "px-k8s-user");
    static final List<Referrer> BY = List.of(new Referrer("storageclass/px", SecretReferences.IN_TREE_NAME));
    static final SecretLookup TOKEN = new SecretLookup(SecretLookup.State.FOUND, true, "a.b.c", false, false, null, null);

    static CheckedSecret judge(SecretLookup found, Verification v) {
        return Verdicts.judge(REF, BY, true, found, token -> v, NOW, WARNING, "not read");
    }

    static Verification result(boolean valid, String result, String reason, Instant exp) {
        return new Verification(valid, result, reason, Map.of(), exp);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "expired            | Token is expired                                       | expired       | true",
            "used-before-issued | Token used before issued                               | not-yet-valid | true",
            "not-yet-valid      | Token is not valid yet                                 | not-yet-valid | true",
            "signature-invalid  | signature is invalid                                   | bad-signature | false",
            "unknown-algorithm  | Unknown token algorithm: PS256                         | bad-signature | false",
            "untrusted-issuer   | my_issuer is not a trusted issuer                      | other-issuer  | false",
            "malformed          | Unable to obtain token issuer from authorization token: Token is invalid: (token not shown) | not-a-token | false",
            "no-issuer          | Issuer was not specified in the token                  | rejected      | false",
            "missing-claim      | Required claim email missing from token                | rejected      | true",
            "empty-username     | System set to use the value of sub as the username     | rejected      | true" })
    void verifiedRejectionsKeepPortworxsWordsAndUnverifiedOnesQuoteNothing(String result, String reason, String verdict,
            boolean verified) {
        Instant exp = NOW.minusSeconds(5);
        CheckedSecret c = judge(TOKEN, result(false, result, reason, exp));
        assertEquals(verdict, c.verdict().label());
        assertEquals(verified, c.expiryVerified());
        assertEquals(BY, c.referrers());
        if (verified) {
            assertEquals(reason, c.reason());
            assertEquals(exp, c.expiresAt());
        } else {
            // an unverified token is anyone's text: the reason names the class, never what the token says
            assertTrue(c.reason().startsWith(verdict + ": "), c.reason());
            assertFalse(c.reason().contains(reason), c.reason());
            assertFalse(c.reason().contains("my_issuer") || c.reason().contains("PS256"), c.reason());
            assertNull(c.expiresAt(), "an unverified exp is not shown");
        }
    }

    @Test
    void aValidTokenIsOkUntilTheWarningAndExpiringWithin() {
        CheckedSecret ok = judge(TOKEN, result(true, "valid", null, NOW.plus(WARNING)));
        assertEquals(Verdict.OK, ok.verdict());
        assertNull(ok.reason());
        assertTrue(ok.expiryVerified());
        CheckedSecret soon = judge(TOKEN, result(true, "valid", null, NOW.plus(WARNING).minusSeconds(1)));
        assertEquals(Verdict.EXPIRING, soon.verdict());
        assertEquals("Token expires in 6d 23h, within pxtoken.checks.expiry-warning (7d)", soon.reason());
        CheckedSecret twoDays = judge(TOKEN, result(true, "valid", null, NOW.plus(Duration.ofDays(2))));
        assertEquals("Token expires in 2d, within pxtoken.checks.expiry-warning (7d)", twoDays.reason());
        assertEquals(Verdict.OK, judge(TOKEN, result(true, "valid", null, null)).verdict(), "no exp: never expires");
    }

    @Test
    void whatIsNotATokenIsNeverVerified() {
        AtomicInteger calls = new AtomicInteger();
        Function<String, Verification> verify = t -> {
            calls.incrementAndGet();
            return result(true, "valid", null, null);
        };
        CheckedSecret notPermitted = Verdicts.judge(REF, BY, false, null, verify, NOW, WARNING,
                "Namespace portworx is not in pxtoken.checks.namespaces []");
        assertEquals(Verdict.NOT_PERMITTED, notPermitted.verdict());
        assertEquals("Namespace portworx is not in pxtoken.checks.namespaces []", notPermitted.reason());
        CheckedSecret refused = Verdicts.judge(REF, BY, true, SecretLookup.forbidden("Kubernetes refused"), verify, NOW,
                WARNING, "x");
        assertEquals(Verdict.NOT_PERMITTED, refused.verdict());
        assertEquals("Kubernetes refused", refused.reason());
        CheckedSecret missing = Verdicts.judge(REF, BY, true, SecretLookup.missing(), verify, NOW, WARNING, "x");
        assertEquals(Verdict.MISSING_SECRET, missing.verdict());
        assertEquals("Secret portworx/px-k8s-user does not exist", missing.reason());
        SecretLookup noKey = new SecretLookup(SecretLookup.State.FOUND, false, null, true, true, NOW.plusSeconds(60), null);
        CheckedSecret missingKey = Verdicts.judge(REF, BY, true, noKey, verify, NOW, WARNING, "x");
        assertEquals(Verdict.MISSING_KEY, missingKey.verdict());
        assertTrue(missingKey.reason().contains("has no key auth-token"), missingKey.reason());
        assertTrue(missingKey.managed());
        assertEquals(0, calls.get());
    }

    @Test
    void managedAndRenewalComeFromTheSecret() {
        Instant renewal = NOW.plus(Duration.ofDays(20));
        SecretLookup managed = new SecretLookup(SecretLookup.State.FOUND, true, "a.b.c", true, true, renewal, null);
        CheckedSecret c = judge(managed, result(true, "valid", null, NOW.plus(Duration.ofDays(30))));
        assertTrue(c.managed());
        assertTrue(c.proven());
        assertEquals(renewal, c.renewalTime());
        assertNull(managed.withoutRenewal().renewalTime());
        assertFalse(managed.toString().contains("a.b.c"), "the token is never shown");
    }

    @Test
    void whatFailsIsWhatPortworxWillRefuse() {
        List<Verdict> failing = List.of(Verdict.values()).stream().filter(Verdict::fails).toList();
        assertEquals(List.of(Verdict.EXPIRING, Verdict.EXPIRED, Verdict.NOT_YET_VALID, Verdict.BAD_SIGNATURE,
                Verdict.REJECTED, Verdict.MISSING_SECRET, Verdict.MISSING_KEY, Verdict.NOT_A_TOKEN), failing);
    }

    @Test
    void theSummaryListsEveryVerdict() {
        CheckReport r = new CheckReport(NOW, List.of(judge(TOKEN, result(true, "valid", null, null)),
                judge(TOKEN, result(false, "expired", "Token is expired", NOW))));
        assertEquals(Verdict.values().length, r.summary().size());
        assertEquals(1, r.summary().get(Verdict.OK));
        assertEquals(1, r.summary().get(Verdict.EXPIRED));
        assertEquals(0, r.summary().get(Verdict.MISSING_KEY));
    }
}
