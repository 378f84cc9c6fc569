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

/** V1 from the Portworx docs, checked by the verify endpoint at its own time (issuer my_issuer, a 16-byte secret). */
@QuarkusTest
@TestProfile(KnownAnswerV1Test.Profile.class)
class KnownAnswerV1Test {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(TestKeys.profile(V1_SECRET));
            m.put("pxtoken.issuer", V1_ISSUER);
            m.put("pxtoken.keys.allow-weak-secret", "true");
            // the docs' secret is weak on purpose; the warnings about it are expected
            m.put("quarkus.log.category.\"io.pxtoken.keys.SharedSecretStore\".level", "ERROR");
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
        validExactlyBetween(clock, V1, V1_IAT, V1_EXP);
    }
}
