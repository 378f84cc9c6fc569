package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.Test;

class UserClaimsTest {

    /** Vector V5 of PORTWORX-TOKENS.md: the sub that pxctl derives for this name and email. */
    @Test
    void derivesSubLikePxctl() {
        UserClaims c = new UserClaims("Zoë <ops> & \"co\"", "a@b.c", "", List.of("system.user"), null).withDerivedSubject();
        assertEquals("b3BlbnN0b3JhZ2UuaW8vWm/DqyA8b3BzPiAmICJjbyIvYUBiLmM=", c.sub());
    }

    @Test
    void derivesSubWhenAbsentWithEmptyEmail() {
        UserClaims c = new UserClaims("Stork", null, null, List.of("system.admin"), null).withDerivedSubject();
        // base64("openstorage.io/Stork/")
        assertEquals("b3BlbnN0b3JhZ2UuaW8vU3Rvcmsv", c.sub());
        assertEquals("", c.email());
    }

    @Test
    void keepsAGivenSub() {
        UserClaims c = new UserClaims("n", "e@x", "given", List.of("system.user"), List.of());
        assertSame(c, c.withDerivedSubject());
    }
}
