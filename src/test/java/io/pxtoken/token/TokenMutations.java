package io.pxtoken.token;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;

/**
 * Random mutations of a valid token, for property tests: flipped bytes, re-encoded segments, case-changed and
 * duplicated keys, numbers at the edges, broken JSON, other algorithms. Most mutated tokens are re-signed with the
 * right secret (by nimbus-jose-jwt, not by the code under test), so the claim checks behind the signature are reached.
 * Seeded: a failure names its seed and case number and can be replayed.
 */
public final class TokenMutations {

    private static final String[] EDGE_NUMBERS = { "0", "-0.0", "0.5", "-0.5", "1", "-1", "1e-300", "1e17", "1e300",
            "-1e300", "9223372036854775807", "9223372036854774784", "9.2233720368547748e18",
            "123456789012345678901234567890", "1e400", "-1e400", "1E+2", "null", "\"1700000000\"", "true", "[]",
            "{}", "[1e400]" };
    private static final String[] ODD_VALUES = { "\"\"", "null", "5", "true", "[]", "{}", "[\"a\"]", "\"evil\"",
            "\"a\\ud800b\"", "\"\\u0000\"", "1e400" };
    private static final String[] ALGORITHMS = { "\"HS256\"", "\"HS384\"", "\"HS512\"", "\"none\"", "\"RS256\"",
            "\"ES256\"", "\"PS256\"", "\"EdDSA\"", "\"hs256\"", "\"\"", "null", "5", "[\"HS256\"]" };
    private static final String[] RAW_PAYLOADS = { "null", "[]", "\"x\"", "5", "", " ", "{", "{\"iss\":", "tru",
            "{\"iss\":\"portworx.com\"}", "{\"a\":1e400}" };

    private final Random random;
    private final String issuer;
    private final byte[] secret;
    private final long now;

    public TokenMutations(Random random, String issuer, byte[] secret, long now) {
        this.random = random;
        this.issuer = issuer;
        this.secret = secret.clone();
        this.now = now;
    }

    /** A key and its raw JSON value, as written. */
    private record Member(String key, String json) {
    }

    /** The next mutated token. */
    public String next() {
        List<Member> header = new ArrayList<>(List.of(new Member("alg", "\"HS256\""), new Member("typ", "\"JWT\"")));
        List<Member> payload = new ArrayList<>(List.of(
                new Member("iss", quote(issuer)), new Member("sub", "\"someone@example.com\""),
                new Member("name", "\"Some One\""), new Member("email", "\"someone@example.com\""),
                new Member("roles", "[\"system.user\"]"), new Member("groups", "[\"*\"]"),
                new Member("iat", Long.toString(now - 10)), new Member("exp", Long.toString(now + 3600))));
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            mutateMembers(random.nextInt(4) == 0 ? header : payload);
        }
        String headerJson = random.nextInt(12) == 0 ? pick(RAW_PAYLOADS) : json(header);
        String payloadJson = rawPayload(json(payload));
        String h = encode(headerJson);
        String p = encode(payloadJson);
        String alg = algorithmOf(header);
        String signature = switch (random.nextInt(10)) {
            case 0 -> sign(alg, h + "." + p, "another secret, long enough for HS512 signing here, padded to 64");
            case 1 -> "";
            default -> sign(alg, h + "." + p, null);
        };
        return mutateText(h + "." + p + "." + signature);
    }

    private void mutateMembers(List<Member> members) {
        if (members.isEmpty()) {
            return;
        }
        int at = random.nextInt(members.size());
        Member target = members.get(at);
        switch (random.nextInt(9)) {
            case 0 -> members.set(at, new Member(changeCase(target.key()), target.json()));
            case 1 -> members.add(random.nextInt(members.size() + 1),
                    new Member(random.nextBoolean() ? target.key() : changeCase(target.key()), pick(ODD_VALUES)));
            case 2 -> members.add(new Member(random.nextBoolean() ? "exp" : "iat", Long.toString(now + random.nextInt(7) - 3)));
            case 3 -> members.set(at, new Member(target.key(), pick(EDGE_NUMBERS)));
            case 4 -> members.remove(at);
            case 5 -> members.set(at, new Member(target.key(), pick(ODD_VALUES)));
            case 6 -> members.add(new Member(pick(new String[] { "exp", "iat", "nbf" }), pick(EDGE_NUMBERS)));
            case 7 -> members.set(at, new Member(escapeKey(target.key()), target.json()));
            default -> {
                int alg = indexOf(members, "alg");
                if (alg >= 0) {
                    members.set(alg, new Member("alg", pick(ALGORITHMS)));
                } else {
                    members.add(new Member("iss", random.nextBoolean() ? "\"evil\"" : quote(issuer)));
                }
            }
        }
    }

    private String rawPayload(String json) {
        return switch (random.nextInt(24)) {
            case 0 -> json + "xyz";
            case 1 -> json + " {}";
            case 2 -> "\uFEFF" + json;
            case 3 -> " \n" + json + "\t ";
            case 4 -> pick(RAW_PAYLOADS);
            case 5 -> "[" + json + "]";
            case 6 -> json.substring(0, random.nextInt(json.length()));
            default -> json;
        };
    }

    private String mutateText(String token) {
        if (random.nextInt(3) != 0) {
            return token;
        }
        StringBuilder t = new StringBuilder(token);
        int at = random.nextInt(t.length() + 1);
        switch (random.nextInt(9)) {
            case 0 -> {
                if (at < t.length()) {
                    t.setCharAt(at, (char) (t.charAt(at) ^ (1 << random.nextInt(7))));
                }
            }
            case 1 -> t.insert(at, '\n');
            case 2 -> t.insert(at, '=');
            case 3 -> t.insert(0, random.nextBoolean() ? "Bearer " : "bearer ");
            case 4 -> t.insert(at, '.');
            case 5 -> {
                int dot = t.lastIndexOf(".");
                t.setLength(Math.max(dot, 0));
            }
            case 6 -> t.insert(at, random.nextBoolean() ? '+' : '/');
            case 7 -> t.insert(at, 'é');
            default -> t.insert(at, 'A');
        }
        return t.toString();
    }

    private String sign(String alg, String signingInput, String otherSecret) {
        JWSAlgorithm jws = switch (alg) {
            case "HS384" -> JWSAlgorithm.HS384;
            case "HS512" -> JWSAlgorithm.HS512;
            default -> JWSAlgorithm.HS256;
        };
        byte[] key = otherSecret == null ? secret : otherSecret.getBytes(StandardCharsets.UTF_8);
        try {
            return new MACSigner(key).sign(new JWSHeader(jws), signingInput.getBytes(StandardCharsets.UTF_8)).toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String algorithmOf(List<Member> header) {
        int at = header.stream().map(Member::key).toList().lastIndexOf("alg");
        return at < 0 ? "" : header.get(at).json().replace("\"", "");
    }

    private String changeCase(String key) {
        StringBuilder b = new StringBuilder();
        for (char c : key.toCharArray()) {
            int r = random.nextInt(5);
            if (r == 0 && c == 's') {
                b.append('\u017F'); // LATIN SMALL LETTER LONG S folds to s in Go
            } else if (r == 0 && c == 'k') {
                b.append('\u212A'); // KELVIN SIGN folds to k
            } else if (r == 1 && c == 'i') {
                b.append('\u0130'); // does not fold to i
            } else if (r < 3) {
                b.append(Character.toUpperCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private String escapeKey(String key) {
        return key.isEmpty() ? key : String.format(Locale.ROOT, "\\u%04x", (int) key.charAt(0)) + key.substring(1);
    }

    private static int indexOf(List<Member> members, String key) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String json(List<Member> members) {
        StringBuilder b = new StringBuilder("{");
        for (Member m : members) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(m.key()).append("\":").append(m.json());
        }
        return b.append('}').toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private String encode(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(30)) {
            case 0 -> Base64.getUrlEncoder().encodeToString(bytes); // padded
            case 1 -> Base64.getEncoder().withoutPadding().encodeToString(bytes); // standard alphabet
            default -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        };
    }
}
