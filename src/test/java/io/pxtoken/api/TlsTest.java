package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With a certificate mounted as k8s/components/tls mounts it (PEM tls.crt and tls.key, the cert-manager layout), the
 * service answers HTTPS.
 */
@QuarkusTest
@TestProfile(TlsTest.Profile.class)
class TlsTest {

    public static class Profile implements QuarkusTestProfile {
        static final Path DIR = certificate();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.ssl.certificate.files", DIR.resolve("tls.crt").toString(),
                    "quarkus.http.ssl.certificate.key-files", DIR.resolve("tls.key").toString(),
                    // two servers (HTTP and HTTPS) register the same connection gauge: a known Micrometer warning
                    "quarkus.log.category.\"io.micrometer.core.instrument.MeterRegistry\".level", "ERROR");
        }

        /** A self-signed certificate from the JDK's keytool, written out as PEM. */
        static Path certificate() {
            try {
                Path dir = io.pxtoken.TempDirs.create("tls");
                Path p12 = dir.resolve("ks.p12");
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair", "-alias", "px", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                        "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                        "-storepass", "changeit").inheritIO().start();
                if (keytool.waitFor() != 0) {
                    throw new IllegalStateException("keytool failed");
                }
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = new FileInputStream(p12.toFile())) {
                    ks.load(in, "changeit".toCharArray());
                }
                Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes());
                Files.writeString(dir.resolve("tls.crt"), "-----BEGIN CERTIFICATE-----\n"
                        + pem.encodeToString(ks.getCertificate("px").getEncoded()) + "\n-----END CERTIFICATE-----\n");
                Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n"
                        + pem.encodeToString(ks.getKey("px", "changeit".toCharArray()).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
                return dir;
            } catch (IOException | InterruptedException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @TestHTTPResource(value = "/v1/issuer", tls = true)
    URL issuer;

    @TestHTTPResource(value = "/q/health/ready", tls = true)
    URL ready;

    @Test
    void servesHttps() {
        given().relaxedHTTPSValidation().get(issuer).then().statusCode(200).body("algorithm", equalTo("HS256"));
        given().relaxedHTTPSValidation().get(ready).then().statusCode(200);
    }
}
