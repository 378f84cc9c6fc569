package io.pxtoken.token;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClaimsPolicyTest {

    private final ClaimsPolicy policy = new ClaimsPolicy(List.of("system.admin", "system.user", "system.view"));

    @Test
    void acceptsTheSetupGuidesUsers() {
        assertDoesNotThrow(() -> policy.check(new UserClaims("Storage Administrator", "admin@example.com",
                "admin@example.com", List.of("system.admin"), List.of("*"))));
        assertDoesNotThrow(() -> policy.check(new UserClaims("Kubernetes User", "", null,
                List.of("system.user"), List.of("kubernetes"))));
        assertDoesNotThrow(() -> policy.check(new UserClaims("No groups", null, "", List.of("system.view"), null)));
    }

    static Stream<Arguments> badClaims() {
        String longText = "x".repeat(ClaimsPolicy.MAX_STRING + 1);
        List<String> tooMany = Collections.nCopies(ClaimsPolicy.MAX_LIST + 1, "g");
        List<String> withNull = new ArrayList<>(Arrays.asList("system.user", null));
        return Stream.of(
                Arguments.of(new UserClaims(null, "", "", List.of("system.user"), null), "name", "blank"),
                Arguments.of(new UserClaims("  ", "", "", List.of("system.user"), null), "name", "blank"),
                Arguments.of(new UserClaims(longText, "", "", List.of("system.user"), null), "name", "at most 256"),
                Arguments.of(new UserClaims("n", "not-an-email", "", List.of("system.user"), null), "email", "not an email"),
                Arguments.of(new UserClaims("n", "a b@c", "", List.of("system.user"), null), "email", "not an email"),
                Arguments.of(new UserClaims("n", longText + "@x", "", List.of("system.user"), null), "email", "at most 256"),
                Arguments.of(new UserClaims("n", "", "s".repeat(ClaimsPolicy.MAX_SUB + 1), List.of("system.user"), null), "sub", "at most 512"),
                Arguments.of(new UserClaims("n", "", "", null, null), "roles", "at least one role"),
                Arguments.of(new UserClaims("n", "", "", List.of(), null), "roles", "at least one role"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user", "root"), null), "roles[1]", "unknown role 'root'"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.guest"), null), "roles[0]", "unknown role"),
                Arguments.of(new UserClaims("n", "", "", List.of("System.Admin"), null), "roles[0]", "unknown role"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user", "system.user"), null), "roles[1]", "listed twice"),
                Arguments.of(new UserClaims("n", "", "", withNull, null), "roles[1]", "blank"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user", " "), null), "roles[1]", "blank"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user"), List.of("a", "")), "groups[1]", "blank"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user"), List.of("a", "b", "a")), "groups[2]", "listed twice"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user"), List.of(longText)), "groups[0]", "at most 256"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user"), tooMany), "groups", "at most 32"),
                Arguments.of(new UserClaims("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "", "", List.of("system.user"), null), "name", "looks like a token"),
                Arguments.of(new UserClaims("n", "", "see eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.", List.of("system.user"), null), "sub", "looks like a token"),
                Arguments.of(new UserClaims("n", "", "", List.of("system.user"), List.of("eyJhbGciOiJIUzI1NiJ9.e30.x")), "groups[0]", "looks like a token"));
    }

    @ParameterizedTest
    @MethodSource("badClaims")
    void namesTheFieldAndTheReason(UserClaims claims, String field, String reason) {
        InvalidClaimsException e = assertThrows(InvalidClaimsException.class, () -> policy.check(claims));
        assertTrue(e.violations().stream().anyMatch(v -> v.field().equals(field) && v.reason().contains(reason)),
                () -> "expected " + field + " ~ " + reason + " in " + e.violations());
    }

    @Test
    void reportsEveryViolationAtOnce() {
        InvalidClaimsException e = assertThrows(InvalidClaimsException.class,
                () -> policy.check(new UserClaims("", "bob", "", List.of("nope"), List.of(""))));
        assertEquals(List.of("name", "email", "roles[0]", "groups[0]"), e.violations().stream().map(Violation::field).toList());
    }

    /** The regex-free checks answer exactly as the patterns they stand for, over strings built from their edge cases. */
    @Test
    void theHandWrittenChecksAgreeWithThePatterns() {
        String alphabet = "a@@ .eyJ_-Zz09\t\n\u000b\f\r\u00a0\u2028\u3000\ud83d\ude00\ud800";
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        int plausible = 0;
        int tokens = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = random.nextInt(14); n > 0; n--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(4) == 0) {
                b.insert(random.nextInt(b.length() + 1), "eyJx.y.");
            }
            String s = b.toString();
            boolean email = ClaimsPolicy.PLAUSIBLE_EMAIL.matcher(s).matches();
            boolean token = ClaimsPolicy.LOOKS_LIKE_TOKEN.matcher(s).find();
            plausible += email ? 1 : 0;
            tokens += token ? 1 : 0;
            assertEquals(email, ClaimsPolicy.plausibleEmail(s), () -> "seed " + seed + ": " + s.codePoints().boxed().toList());
            assertEquals(token, ClaimsPolicy.looksLikeToken(s), () -> "seed " + seed + ": " + s);
        }
        assertTrue(plausible > 1000 && tokens > 1000, "both answers occur: " + plausible + " " + tokens);
        for (String s : List.of("a@b", "@b", "a@", "a@b@c", "a b@c", "a@b\u000b", "a\u00a0@b", "\u2028@\u3000", "")) {
            assertEquals(ClaimsPolicy.PLAUSIBLE_EMAIL.matcher(s).matches(), ClaimsPolicy.plausibleEmail(s), s);
        }
    }
}
