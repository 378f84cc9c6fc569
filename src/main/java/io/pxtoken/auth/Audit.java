package io.pxtoken.auth;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes the audit trail: one JSON object per decision on logger {@code io.pxtoken.audit}. */
@ApplicationScoped
public class Audit {

    public static final String LOGGER = "io.pxtoken.audit";

    private static final Logger LOG = Logger.getLogger(LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public Audit(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param caller who called, or null when the request was not authenticated
     * @param status the HTTP status answered
     */
    public void write(AuditRecord r, Caller caller, String method, String path, int status) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("caller", caller == null ? null : caller.name());
        line.put("authKind", caller == null ? null : caller.kind().label());
        line.put("action", r.action != null ? r.action : method + " " + path);
        line.put("sub", r.sub);
        line.put("roles", r.roles);
        line.put("groups", r.groups);
        line.put("duration", r.duration);
        line.put("secret", r.secret);
        line.put("decision", status < 400 ? "allow" : status == 401 || status == 403 || status == 429 ? "deny" : "error");
        line.put("status", status);
        line.put("problem", r.problem);
        line.put("missing", r.missing);
        line.put("jti", r.jti);
        if (r.delivered != null) {
            line.put("delivered", r.delivered);
        }
        line.put("keyFingerprint", r.keyFingerprint);
        try {
            LOG.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.error("Could not write an audit line");
        }
    }
}
