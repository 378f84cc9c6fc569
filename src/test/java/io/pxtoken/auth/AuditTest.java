package io.pxtoken.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pxtoken.LogCapture;
import io.pxtoken.kube.SecretTarget;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.UserClaims;

/** The audit line, byte for byte: the fields in their order, absent ones as null, as an ObjectMapper writes a map. */
class AuditTest {

    private static final Instant NOW = Instant.parse("2026-11-29T18:00:00Z");
    private final Audit audit = new Audit(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aMintIsOneLineWithEveryFieldInOrder() {
        AuditRecord r = new AuditRecord();
        r.action("mint");
        r.requested(new UserClaims("Kubernetes User", "k@example.com", "k@example.com", List.of("system.user"), List.of("kubernetes")),
                "1y", SecretTarget.of("secret", "portworx", "px-k8s-user", null));
        r.issued(new IssuedToken("not-logged", "portworx.com", null, NOW, NOW, "73151d12-8d62-4a22-9768-73c27be84428", "18e15e64f2b0b38a"));
        Caller caller = new Caller(Caller.Kind.PORTWORX, "admin@example.com", List.of("system.admin"), null, null, null);

        assertEquals("{\"time\":\"2026-11-29T18:00:00Z\",\"caller\":\"admin@example.com\",\"authKind\":\"" + Caller.Kind.PORTWORX.label()
                + "\",\"action\":\"mint\",\"sub\":\"k@example.com\",\"roles\":[\"system.user\"],\"groups\":[\"kubernetes\"],"
                + "\"duration\":\"1y\",\"secret\":\"portworx/px-k8s-user:auth-token\",\"decision\":\"allow\",\"status\":200,"
                + "\"problem\":null,\"missing\":null,\"jti\":\"73151d12-8d62-4a22-9768-73c27be84428\","
                + "\"keyFingerprint\":\"18e15e64f2b0b38a\",\"algorithm\":\"HS256\"}", line(r, caller, "POST", "/v1/tokens", 200));
    }

    @Test
    void aMintNamesItsAlgorithm() {
        AuditRecord r = new AuditRecord();
        r.action("mint");
        r.requested(new UserClaims("n", "", "s", List.of("system.user"), null), "1d", null);
        r.issued(new IssuedToken("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln", "portworx.com", null, NOW, NOW, "j", "5cbac1b3378908e3",
                "RS256"));
        String line = line(r, null, "POST", "/v1/tokens", 200);
        assertEquals(true, line.endsWith(",\"jti\":\"j\",\"keyFingerprint\":\"5cbac1b3378908e3\",\"algorithm\":\"RS256\"}"), line);
        assertEquals(false, line.contains("eyJ") || line.contains("c2ln"), "no token in the line: " + line);
    }

    @Test
    void anUnauthenticatedRefusalHasNullsWhereNothingWasDecided() {
        AuditRecord r = new AuditRecord();
        r.problem("unauthorized");
        assertEquals("{\"time\":\"2026-11-29T18:00:00Z\",\"caller\":null,\"authKind\":null,\"action\":\"GET /v1/nothing\","
                + "\"sub\":null,\"roles\":null,\"groups\":null,\"duration\":null,\"secret\":null,\"decision\":\"deny\",\"status\":401,"
                + "\"problem\":\"unauthorized\",\"missing\":null,\"jti\":null,\"keyFingerprint\":null,\"algorithm\":null}",
                line(r, null, "GET", "/v1/nothing", 401));
    }

    @Test
    void oddTextIsEscapedAsAnObjectMapperEscapesIt() throws Exception {
        String sub = "quote\" back\\slash / tab\t nl\n nul\u0000 é \u2028 😀";
        AuditRecord r = new AuditRecord();
        r.requested(new UserClaims("n", "", sub, List.of("system.view"), List.of()), "30d", null);
        r.missing(List.of("create secrets -n portworx", "update secrets/x -n portworx"));
        r.delivered("unknown");
        Caller caller = new Caller(Caller.Kind.KUBERNETES, "system:serviceaccount:ns:\"sa\"", List.of(), null, null, null);

        // the former implementation, kept as the oracle: an ObjectMapper writing the ordered map
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("time", NOW.toString());
        expected.put("caller", caller.name());
        expected.put("authKind", caller.kind().label());
        expected.put("action", "POST /v1/tokens");
        expected.put("sub", sub);
        expected.put("roles", List.of("system.view"));
        expected.put("groups", List.of());
        expected.put("duration", "30d");
        expected.put("secret", null);
        expected.put("decision", "error");
        expected.put("status", 502);
        expected.put("problem", null);
        expected.put("missing", List.of("create secrets -n portworx", "update secrets/x -n portworx"));
        expected.put("jti", null);
        expected.put("delivered", "unknown");
        expected.put("keyFingerprint", null);
        expected.put("algorithm", null);
        assertEquals(new ObjectMapper().writeValueAsString(expected), line(r, caller, "POST", "/v1/tokens", 502));
    }

    private String line(AuditRecord r, Caller caller, String method, String path, int status) {
        try (LogCapture logs = LogCapture.start()) {
            audit.write(r, caller, method, path, status);
            List<String> lines = logs.lines().stream().filter(l -> l.startsWith(Audit.LOGGER + " ")).toList();
            assertEquals(1, lines.size(), lines.toString());
            return lines.get(0).substring(Audit.LOGGER.length() + 1);
        }
    }
}
