package io.pxtoken.declared;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a PxToken declares: the fields of a pxctl auth-config file, the lifetime, and where the token goes.
 *
 * @param name the {@code name} claim
 * @param email the {@code email} claim; may be empty
 * @param sub the {@code sub} claim; empty: derived as pxctl does from name and email
 * @param roles Portworx roles; at least one
 * @param groups groups, or null to leave the claim out
 * @param duration lifetime in pxctl syntax ({@code 1d}); null: {@code pxtoken.default-duration}
 * @param renewBefore renew this long before expiry, pxctl syntax; null: at 2/3 of the lifetime
 * @param secretName the Secret holding the token; null: the resource's name
 * @param secretKey the key in that Secret; null: {@code auth-token}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PxTokenSpec(String name, String email, String sub, List<String> roles, List<String> groups,
        String duration, String renewBefore, String secretName, String secretKey) {
}
