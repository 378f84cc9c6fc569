package io.pxtoken.auth;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** Writes the audit trail: one JSON object per decision on logger {@code io.pxtoken.audit}. */
@ApplicationScoped
public class Audit {

    public static final String LOGGER = "io.pxtoken.audit";

    private static final Logger LOG = Logger.getLogger(LOGGER);
    private static final JsonFactory JSON = new JsonFactory();

    private final Clock clock;

    public Audit(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param caller who called, or null when the request was not authenticated
     * @param status the HTTP status answered
     */
    public void write(AuditRecord r, Caller caller, String method, String path, int status) {
        // streamed field by field: the same JSON an ObjectMapper makes of the ordered map, without the map
        StringWriter out = new StringWriter(256);
        try (JsonGenerator line = JSON.createGenerator(out)) {
            line.writeStartObject();
            line.writeStringField("time", clock.instant().toString());
            line.writeStringField("caller", caller == null ? null : caller.name());
            line.writeStringField("authKind", caller == null ? null : caller.kind().label());
            line.writeStringField("action", r.action != null ? r.action : method + " " + path);
            line.writeStringField("sub", r.sub);
            list(line, "roles", r.roles);
            list(line, "groups", r.groups);
            line.writeStringField("duration", r.duration);
            line.writeStringField("secret", r.secret);
            line.writeStringField("decision", status < 400 ? "allow" : status == 401 || status == 403 || status == 429 ? "deny" : "error");
            line.writeNumberField("status", status);
            line.writeStringField("problem", r.problem);
            list(line, "missing", r.missing);
            line.writeStringField("jti", r.jti);
            if (r.delivered != null) {
                line.writeStringField("delivered", r.delivered);
            }
            line.writeStringField("keyFingerprint", r.keyFingerprint);
            line.writeStringField("algorithm", r.algorithm);
            line.writeEndObject();
        } catch (IOException e) {
            LOG.error("Could not write an audit line");
            return;
        }
        LOG.info(out.toString());
    }

    private static void list(JsonGenerator line, String name, List<String> values) throws IOException {
        line.writeFieldName(name);
        if (values == null) {
            line.writeNull();
            return;
        }
        line.writeStartArray();
        for (String v : values) {
            line.writeString(v);
        }
        line.writeEndArray();
    }
}
