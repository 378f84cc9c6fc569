package io.pxtoken.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;

import io.pxtoken.TestTokens;
import io.pxtoken.keys.SharedSecret;
import io.pxtoken.token.TokenVerifier;
import io.quarkus.security.AuthenticationFailedException;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/** The verified-bearer cache on its own: what it keeps, for how long, and what it never confuses. */
class VerifiedBearersTest {

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    final MovingClock clock = new MovingClock();
    final VerifiedBearers bearers = new VerifiedBearers(clock, true, 100);

    SecurityIdentity identity(String name, Instant until, BooleanSupplier validWhile) {
        var b = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name));
        if (until != null) {
            b.addAttribute(VerifiedBearers.VALID_UNTIL, VerifiedBearers.nanos(until));
        }
        if (validWhile != null) {
            b.addAttribute(VerifiedBearers.VALID_WHILE, validWhile);
        }
        return b.build();
    }

    @Test
    void aVerifiedBearerIsServedUntilItsProviderSaidAndNotAfter() {
        var d = VerifiedBearers.digest("token-a");
        SecurityIdentity id = identity("a", clock.now.plusSeconds(10), null);
        bearers.put(d, id);
        assertSame(id, bearers.get(d));
        clock.now = clock.now.plusSeconds(9);
        assertSame(id, bearers.get(d), "within the TTL");
        clock.now = clock.now.plusSeconds(1);
        assertNull(bearers.get(d), "at the instant the check ends, it is no longer reused");
        clock.now = clock.now.minusSeconds(5);
        assertNull(bearers.get(d), "an ended entry is gone, not merely hidden");
    }

    @Test
    void anIdentityWithoutAnEndIsNeverRemembered() {
        var d = VerifiedBearers.digest("token-b");
        bearers.put(d, identity("b", null, null));
        assertNull(bearers.get(d));
        bearers.put(d, identity("b", clock.now, null));
        assertNull(bearers.get(d), "already ended");
    }

    @Test
    void aConditionThatNoLongerHoldsEndsTheEntry() {
        AtomicBoolean sameKey = new AtomicBoolean(true);
        var d = VerifiedBearers.digest("token-c");
        SecurityIdentity id = identity("c", clock.now.plusSeconds(10), sameKey::get);
        bearers.put(d, id);
        assertSame(id, bearers.get(d));
        sameKey.set(false);
        assertNull(bearers.get(d), "the key rotated: verify again");
        sameKey.set(true);
        assertNull(bearers.get(d), "and the entry was dropped");
    }

    @Test
    void tokensThatShareAPrefixOrDifferInOneCharacterAreDifferentKeys() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        var d = VerifiedBearers.digest(token);
        bearers.put(d, identity("x", clock.now.plusSeconds(10), null));
        for (String other : new String[] {token + "x", token.substring(0, token.length() - 1), token.substring(0, 20),
                token.substring(0, token.length() - 1) + "M", token.toUpperCase()}) {
            assertNotEquals(d, VerifiedBearers.digest(other), other);
            assertNull(bearers.get(VerifiedBearers.digest(other)), other);
        }
        assertEquals(d, VerifiedBearers.digest(new String(token.toCharArray())), "the same token, another String");
    }

    @Test
    void theCacheIsBounded() {
        VerifiedBearers small = new VerifiedBearers(clock, true, 50);
        for (int i = 0; i < 5_000; i++) {
            small.put(VerifiedBearers.digest("token-" + i), identity("u" + i, clock.now.plusSeconds(10), null));
        }
        assertTrue(small.size() <= 50, "held " + small.size());
    }

    // --- what the Portworx provider states on the identity it proves

    static final String SECRET = "s".repeat(64);

    String portworxToken(byte[] secret, Instant exp) {
        return TestTokens.sign(TestTokens.claims("root", List.of("system.admin")).issueTime(Date.from(clock.now.minusSeconds(60)))
                .expirationTime(Date.from(exp)).build(), JWSAlgorithm.HS256, secret);
    }

    @Test
    void aPortworxCallerIsReusedOnlyWhileItsKeyIsCurrentAndNotPastItsExpiry() {
        AtomicReference<SharedSecret> key = new AtomicReference<>(new SharedSecret(SECRET.getBytes(StandardCharsets.UTF_8), clock.now));
        PortworxIdentityProvider px = new PortworxIdentityProvider("portworx.com",
                new TokenVerifier("portworx.com", key::get, a -> null, clock), key::get, clock, Duration.ofSeconds(10));

        String token = portworxToken(SECRET.getBytes(StandardCharsets.UTF_8), clock.now.plusSeconds(3600));
        var d = VerifiedBearers.digest(token);
        SecurityIdentity id = px.identity(token);
        bearers.put(d, id);
        assertSame(id, bearers.get(d));
        clock.now = clock.now.plusSeconds(10);
        assertNull(bearers.get(d), "the review cache's TTL bounds a verified Portworx token too");

        bearers.put(d, px.identity(token));
        assertNotNull(bearers.get(d));
        // the same bytes loaded again is another load of the file: a rotation and back is verified again
        key.set(new SharedSecret(SECRET.getBytes(StandardCharsets.UTF_8), clock.now));
        assertNull(bearers.get(d), "a rotated key ends every verdict made with the old one");
        key.set(new SharedSecret("t".repeat(64).getBytes(StandardCharsets.UTF_8), clock.now));
        assertThrows(AuthenticationFailedException.class, () -> px.identity(token), "and the token no longer verifies");

        String shortLived = portworxToken("t".repeat(64).getBytes(StandardCharsets.UTF_8), clock.now.plusSeconds(3));
        var s = VerifiedBearers.digest(shortLived);
        bearers.put(s, px.identity(shortLived));
        clock.now = clock.now.plusSeconds(2);
        assertNotNull(bearers.get(s));
        clock.now = clock.now.plusSeconds(1);
        assertNull(bearers.get(s), "never past the token's exp, though the TTL has 7 s left");
        assertThrows(AuthenticationFailedException.class, () -> px.identity(shortLived), "expired");
    }

    @Test
    void aZeroTtlTurnsItOff() {
        VerifiedBearers off = new VerifiedBearers(clock, false, 100);
        var d = VerifiedBearers.digest("token-d");
        off.put(d, identity("d", clock.now.plusSeconds(10), null));
        assertNull(off.get(d));
    }
}
