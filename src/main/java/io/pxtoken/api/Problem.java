package io.pxtoken.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.pxtoken.token.Violation;

/** An RFC 9457 problem detail, sent as {@code application/problem+json}. */
@Schema(name = "Problem", description = "RFC 9457 problem details")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @Schema(description = "Problem type, e.g. urn:pxtoken:problem:invalid-request") String type,
        @Schema(description = "Short summary of the problem type") String title,
        @Schema(description = "HTTP status") int status,
        @Schema(description = "What went wrong in this request") String detail,
        @Schema(description = "The request path") String instance,
        @Schema(description = "Each bad field and why (400 only)") List<Violation> errors,
        @Schema(description = "Each missing permission in `kubectl auth can-i` form (403 only), e.g. "
                + "\"mint roles.pxtoken.io/system.admin\"") List<String> missing,
        @Schema(description = "What the request probably meant, when a common mistake shows (e.g. YAML sent as JSON); "
                + "beside the detail, never instead of it") String hint) {

    static final String TYPE_PREFIX = "urn:pxtoken:problem:";

    /** The same problem about another request path. */
    Problem at(String path) {
        return new Problem(type, title, status, detail, path, errors, missing, hint);
    }

    /** The same problem with a hint beside its detail. */
    Problem withHint(String text) {
        return new Problem(type, title, status, detail, instance, errors, missing, text);
    }

    /** The short code at the end of {@link #type()}, used as a metric tag. */
    String code() {
        return type.substring(TYPE_PREFIX.length());
    }
}
