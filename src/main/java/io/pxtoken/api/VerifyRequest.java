package io.pxtoken.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON body of {@code POST /v1/tokens/verify}. */
@Schema(name = "VerifyRequest")
public record VerifyRequest(@Schema(description = "The token to check.", required = true) String token) {
}
