package io.pxtoken.auth;

import java.util.List;

import jakarta.enterprise.context.RequestScoped;

import io.pxtoken.kube.SecretTarget;
import io.pxtoken.token.IssuedToken;
import io.pxtoken.token.UserClaims;

/**
 * What one request asked and what was decided, filled in as the request goes and written once as a JSON line on
 * logger {@code io.pxtoken.audit}. Holds no token and no secret: an issued token is recorded by its jti and key
 * fingerprint only.
 */
@RequestScoped
public class AuditRecord {

    Caller caller;
    String action;
    String sub;
    List<String> roles;
    List<String> groups;
    String duration;
    String secret;
    String jti;
    String keyFingerprint;
    List<String> missing;
    String problem;

    /**
     * The record itself rather than its proxy: the response filter may run where the request context is no longer
     * active, so it keeps this instance as a request property.
     */
    public AuditRecord instance() {
        return this;
    }

    public void caller(Caller caller) {
        this.caller = caller;
    }

    public Caller caller() {
        return caller;
    }

    public void action(String action) {
        this.action = action;
    }

    public void requested(UserClaims claims, String duration, SecretTarget target) {
        this.sub = claims.sub();
        this.roles = claims.roles();
        this.groups = claims.groups();
        this.duration = duration;
        this.secret = target == null ? null : target.namespace() + "/" + target.name() + ":" + target.key();
    }

    public void secret(String namespace, String name) {
        this.secret = namespace == null ? null : name == null ? namespace : namespace + "/" + name;
    }

    public void issued(IssuedToken token) {
        this.jti = token.jti();
        this.keyFingerprint = token.keyFingerprint();
    }

    public void missing(List<String> missing) {
        this.missing = missing;
    }

    public void problem(String code) {
        this.problem = code;
    }
}
