package io.pxtoken.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.Violation;

/**
 * Where a token is stored: key {@code key} of Secret {@code namespace/name}. Portworx reads key {@code auth-token}.
 *
 * @param namespace a DNS-1123 label
 * @param name a DNS-1123 subdomain
 * @param key a Secret data key
 */
public record SecretTarget(String namespace, String name, String key) {

    public static final String DEFAULT_KEY = "auth-token";

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    /**
     * @param field the request field holding the target, for error messages ({@code secret})
     * @throws InvalidClaimsException when a name is not valid for Kubernetes
     */
    public static SecretTarget of(String field, String namespace, String name, String key) {
        String k = key == null ? DEFAULT_KEY : key;
        List<Violation> v = new ArrayList<>();
        if (namespace == null || namespace.length() > 63 || !LABEL.matcher(namespace).matches()) {
            v.add(new Violation(field + ".namespace",
                    "must be a Kubernetes namespace name: at most 63 lowercase letters, digits and '-', starting and ending alphanumeric"));
        }
        if (name == null || name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
            v.add(new Violation(field + ".name",
                    "must be a Kubernetes Secret name: at most 253 lowercase letters, digits, '-' and '.', starting and ending alphanumeric"));
        }
        if (k.length() > 253 || !DATA_KEY.matcher(k).matches() || k.equals(".") || k.equals("..")) {
            v.add(new Violation(field + ".key", "must be a Secret key: letters, digits, '-', '_' and '.'"));
        }
        if (!v.isEmpty()) {
            throw new InvalidClaimsException(v);
        }
        return new SecretTarget(namespace, name, k);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
