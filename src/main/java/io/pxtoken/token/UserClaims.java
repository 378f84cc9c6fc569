package io.pxtoken.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Who a token speaks for: the fields of a pxctl auth-config file.
 *
 * @param name display name; always written, may not be blank
 * @param email always written; may be empty
 * @param sub unique user id under which Portworx records volume ownership
 * @param roles Portworx roles, in the caller's order
 * @param groups groups in the caller's order, or {@code null} to leave the claim out (an empty list is kept)
 */
public record UserClaims(String name, String email, String sub, List<String> roles, List<String> groups) {

    /**
     * The claims with {@code sub} filled in as pxctl and openstorage-sdk-auth do when it is empty:
     * {@code base64std("openstorage.io/" + name + "/" + email)}.
     */
    public UserClaims withDerivedSubject() {
        if (sub != null && !sub.isEmpty()) {
            return this;
        }
        String n = name == null ? "" : name;
        String e = email == null ? "" : email;
        String derived = Base64.getEncoder()
                .encodeToString(("openstorage.io/" + n + "/" + e).getBytes(StandardCharsets.UTF_8));
        return new UserClaims(n, e, derived, roles, groups);
    }
}
