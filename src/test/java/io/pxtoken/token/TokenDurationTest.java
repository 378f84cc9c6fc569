package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenDurationTest {

    @ParameterizedTest
    @CsvSource({
            "1s, 1",
            "59s, 59",
            "1m, 60",
            "1h, 3600",
            "1d, 86400",
            "01d, 86400",
            "24h, 86400",
            "1y, 31536000",
            "30d, 2592000",
            "292y, 9208512000",
            "106751d, 9223286400",
            "9223372036s, 9223372036",
    })
    void acceptsPxctlSyntax(String text, long seconds) {
        TokenDuration d = TokenDuration.parse("duration", text);
        assertEquals(seconds, d.seconds());
        assertEquals(text, d.text());
    }

    @ParameterizedTest
    @ValueSource(strings = { "123", "1Y", "1w", "1.5h", "1h30m", "-1d", "+1d", " 1d", "1d ", "123sabcd",
            "ab123s", "d", "1 d", "1dd", "1D", "１d", "1d\n", "0x10s" })
    void rejectsEverythingElse(String text) {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> TokenDuration.parse("duration", text));
        assertEquals("duration", e.violations().get(0).field());
        assertTrue(e.violations().get(0).reason().contains("is not a duration"), e.getMessage());
    }

    /** openstorage-sdk-auth ParseToDuration matches no unit in "": pxctl refuses it, and so do we, saying what to do. */
    @org.junit.jupiter.api.Test
    void rejectsAnEmptyDuration() {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> TokenDuration.parse("duration", ""));
        assertEquals("duration", e.violations().get(0).field());
        assertTrue(e.violations().get(0).reason().startsWith("is empty"), e.getMessage());
    }

    /** Values Portworx's Go parser would wrap into a negative (already expired) duration. */
    @ParameterizedTest
    @ValueSource(strings = { "293y", "106752d", "2562048h", "153722868m", "9223372037s", "99999999999999999999999y" })
    void rejectsWhatGoWouldWrap(String text) {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> TokenDuration.parse("duration", text));
        assertTrue(e.getMessage().contains("longer than Portworx can represent"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "0s", "0m", "00d", "0y" })
    void rejectsZero(String text) {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> TokenDuration.parse("duration", text));
        assertTrue(e.getMessage().contains("already expired"), e.getMessage());
    }

    @Test
    void rejectsNullNamingTheField() {
        InvalidDurationException e = assertThrows(InvalidDurationException.class, () -> TokenDuration.parse("pxtoken.max-duration", null));
        assertEquals("pxtoken.max-duration", e.violations().get(0).field());
    }

    @Test
    void largestRepresentableBoundIsGoInt64Nanoseconds() {
        assertEquals(Long.MAX_VALUE / 1_000_000_000L, TokenDuration.MAX_SECONDS);
        assertTrue(TokenDuration.MAX_SECONDS * 1_000_000_000L > 0);
    }
}
