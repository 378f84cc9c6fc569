package io.pxtoken;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** Portworx tokens for tests, signed with nimbus-jose-jwt and the %test shared secret. */
public final class TestTokens {

    private TestTokens() {
    }

    public static JWTClaimsSet.Builder claims(String sub, List<String> roles) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer("portworx.com").subject(sub)
                .claim("name", sub).claim("email", "").claim("roles", roles)
                .issueTime(Date.from(now.minusSeconds(60))).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    public static String sign(JWTClaimsSet claims, JWSAlgorithm alg, byte[] secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String portworx(String sub, String... roles) {
        return sign(claims(sub, List.of(roles)).build(), JWSAlgorithm.HS256, TestKeys.secret());
    }

    /** An unsigned JWT-shaped token: what a Kubernetes service account token looks like to this service. */
    public static String unsigned(String payloadJson) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }
}
