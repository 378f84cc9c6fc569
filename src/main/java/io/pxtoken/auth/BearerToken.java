package io.pxtoken.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * A bearer token on its way to the identity provider of its kind. Never logged: {@link #toString()} holds no token.
 */
public abstract sealed class BearerToken extends BaseAuthenticationRequest {

    private final String token;

    private BearerToken(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[token hidden]";
    }

    /** A token whose {@code iss} is this service's issuer: checked with the shared secret. */
    public static final class Portworx extends BearerToken {
        public Portworx(String token) {
            super(token);
        }
    }

    /** Any other token: asked of Kubernetes with a TokenReview, on behalf of a client address. */
    public static final class Kubernetes extends BearerToken {
        private final String address;

        public Kubernetes(String token, String address) {
            super(token);
            this.address = address;
        }

        /** The client address, for the per-address limit on reviews. */
        public String address() {
            return address;
        }
    }
}
