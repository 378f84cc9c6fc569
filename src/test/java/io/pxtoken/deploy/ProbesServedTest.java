package io.pxtoken.deploy;

import static io.restassured.RestAssured.given;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Probe;
import io.quarkus.test.junit.QuarkusTest;

/** The Deployment's probes ask for paths the application really serves. */
@QuarkusTest
class ProbesServedTest {

    @Test
    void everyProbePathAnswers200() {
        var c = ManifestsTest.container();
        for (Probe probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
            given().get(probe.getHttpGet().getPath()).then().statusCode(200);
        }
    }
}
