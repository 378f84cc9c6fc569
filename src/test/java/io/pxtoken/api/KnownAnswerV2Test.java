package io.pxtoken.api;

import static io.pxtoken.api.VerifyResourceTest.validExactlyBetween;
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

/** V2, an Operator-style user token, checked by the verify endpoint at its own time. */
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
        validExactlyBetween(clock, V2, V2_IAT, V2_EXP);
    }
}
