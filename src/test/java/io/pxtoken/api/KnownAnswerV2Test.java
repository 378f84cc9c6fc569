package io.pxtoken.api;

import static io.pxtoken.api.VerifyResourceTest.expect;
import static io.pxtoken.token.KnownAnswers.*;

import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pxtoken.TestClock;
import io.pxtoken.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** V2, an Operator-style token, checked by the verify endpoint at its own time (an Operator-style user token). */
@QuarkusTest
@TestProfile(KnownAnswerV2Test.Profile.class)
class KnownAnswerV2Test {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(TestKeys.profile(V2_SECRET));
            m.put("pxtoken.issuer", V2_ISSUER);
            return m;
        }
    }

    @Inject
    TestClock clock;

    @AfterEach
    void release() {
        clock.release();
    }

    @Test
    void isValidFromIatUntilExp() {
        clock.pin(V2_IAT);
        expect(V2, true, null);
        clock.pin(V2_EXP - 1);
        expect(V2, true, null);
        clock.pin(V2_EXP);
        expect(V2, false, "Token is expired");
        clock.pin(V2_IAT - 1);
        expect(V2, false, "Token used before issued");
        clock.release();
        expect(V2, false, "Token is expired");
    }
}
