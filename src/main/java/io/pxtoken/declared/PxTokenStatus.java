package io.pxtoken.declared;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * What the controller last saw of a PxToken's Secret (from its annotations; never the token).
 *
 * @param conditions one condition, type {@code Ready}; reasons {@code Issued}, {@code Renewing}, {@code RenewalFailed},
 *        {@code Refused}, {@code SecretConflict}
 * @param observedGeneration the generation of the spec this status describes
 * @param secretName the Secret holding the token
 * @param issuedAt the token's {@code iat} (RFC 3339)
 * @param expiresAt the token's {@code exp}
 * @param renewalTime when it will be renewed
 * @param jti the token's id
 * @param keyFingerprint the fingerprint of the key that signed it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PxTokenStatus(List<Condition> conditions, Long observedGeneration, String secretName, String issuedAt,
        String expiresAt, String renewalTime, String jti, String keyFingerprint) {
}
