package io.pxtoken.token;

/** The known-answer vectors of PORTWORX-TOKENS.md, section 8 (V1, V2), and their RS256 and ES256 counterparts (V3, V4). */
public final class KnownAnswers {

    /** The PEM text of a test-only key under src/test/resources. */
    public static String pem(String location) {
        try (var in = KnownAnswers.class.getResourceAsStream(location)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** From the Portworx docs: issuer my_issuer, secret my_shared_secret, valid for V1_IAT <= now < V1_EXP. */
    public static final String V1 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImpzdGV2ZW5zQHBvcnR3b3J4LmNvbSIsImV4cCI6MTU2NzUzMDAyMiwiZ3JvdXBzIjpbIioiXSwiaWF0IjoxNTY3NDQzNjIyLCJpc3MiOiJteV9pc3N1ZXIiLCJuYW1lIjoiSmltIFN0ZXZlbnMiLCJyb2xlcyI6WyJzeXN0ZW0udXNlciJdLCJzdWIiOiJqc3RldmVuc0Bwb3J0d29yeC5jb20vanN0ZXZlbnMifQ.tdhwsn780hpHU73DwGjBNAz6UUCHNboqtAPZFVTb3Cw";
    public static final String V1_ISSUER = "my_issuer";
    public static final String V1_SECRET = "my_shared_secret";
    public static final long V1_IAT = 1567443622L;
    public static final long V1_EXP = 1567530022L;

    /** An Operator-style user token: issuer operator.portworx.io. */
    public static final String V2 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6InB4LXVzZXItdG9rZW5Ab3BlcmF0b3IucG9ydHdvcnguaW8iLCJleHAiOjE3MDAwODY0MDAsImdyb3VwcyI6W10sImlhdCI6MTY5OTk5OTQwMCwiaXNzIjoib3BlcmF0b3IucG9ydHdvcnguaW8iLCJuYW1lIjoicHgtdXNlci10b2tlbiIsInJvbGVzIjpbInN5c3RlbS51c2VyIl0sInN1YiI6InB4LXVzZXItdG9rZW5Ab3BlcmF0b3IucG9ydHdvcnguaW8ifQ.24f0cbrwSmGqwdEQteI9XUq4VWStQu9CJUxxLvV-VsE";
    public static final String V2_ISSUER = "operator.portworx.io";
    public static final String V2_SECRET = "q9Zb3Jm1cXkG0uPz4VhT7sLwYf2Ra8DnE5oKiU6gNxMtHjB+Qe/Ac1lWvy0dIrS3";
    public static final long V2_IAT = 1699999400L;
    public static final long V2_EXP = 1700086400L;

    /**
     * V1's claims signed RS256 with the committed test-only key {@code test-only-keys/rsa-2048-private-key.pem}, plus
     * the {@code jti} the service adds ({@link #V34_JTI}). Computed with openssl alone by
     * {@code src/test/resources/test-only-keys/vectors.sh}: the JSON written out by hand in golang-jwt's bytes (header
     * {@code {"alg":"RS256","typ":"JWT"}}, claims with sorted keys), base64url without padding, signed with
     * {@code openssl dgst -sha256 -sign rsa-2048-private-key.pem}. PKCS#1 v1.5 is deterministic, so the service's
     * mint of the same claims at the same time must equal it byte for byte. Valid for V1_IAT <= now < V1_EXP.
     */
    public static final String V3 = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImpzdGV2ZW5zQHBvcnR3b3J4LmNvbSIsImV4cCI6MTU2NzUzMDAyMiwiZ3JvdXBzIjpbIioiXSwiaWF0IjoxNTY3NDQzNjIyLCJpc3MiOiJteV9pc3N1ZXIiLCJqdGkiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMjMiLCJuYW1lIjoiSmltIFN0ZXZlbnMiLCJyb2xlcyI6WyJzeXN0ZW0udXNlciJdLCJzdWIiOiJqc3RldmVuc0Bwb3J0d29yeC5jb20vanN0ZXZlbnMifQ.E9NqhHjLQRB72VlXmDUsJDiazRgapNeHHfa8RBv9MwNp5jYrLax-2AQAgmgqx43093Sw6gv8SE-_ll28kp-alGgtO--uIGlpLt9dMAWiuMwXgBezf6-08z3InIWMYrrIRnJZBUeSeatFIR2gM8OaHKCyOQRnT5OQ-Uh1feskhqzaZj58Yu8ygdhbUu5pKDbwgmMVQkZ_Kb6FmSD0Q8EZ4TtBWHop_AsE3XtKBG2Uao5Pq0mZCuhBQAXLxBGgasPf5uoG9K9kXPIi5pROcW6FcmvsK0-HP0yIXWUhWEbpoE0AIeu8rsI7dO4Ik59XYAs-0MKiwnMu017Uidz9yBlOmQ";

    /**
     * The same claims signed ES256 with {@code test-only-keys/ecdsa-p256-private-key.pem}: {@code openssl dgst -sha256
     * -sign} gives a DER {@code SEQUENCE {r, s}}, converted to the JWS form r || s (32 bytes each) with {@code openssl
     * asn1parse} and {@code xxd -r -p} (vectors.sh). ECDSA is randomized: a rerun gives another valid token, so this
     * one is checked by verifying it, not by comparing a mint. Checked once more by {@code openssl dgst -sha256 -verify}
     * on the DER form when it was made.
     */
    public static final String V4 = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImpzdGV2ZW5zQHBvcnR3b3J4LmNvbSIsImV4cCI6MTU2NzUzMDAyMiwiZ3JvdXBzIjpbIioiXSwiaWF0IjoxNTY3NDQzNjIyLCJpc3MiOiJteV9pc3N1ZXIiLCJqdGkiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMjMiLCJuYW1lIjoiSmltIFN0ZXZlbnMiLCJyb2xlcyI6WyJzeXN0ZW0udXNlciJdLCJzdWIiOiJqc3RldmVuc0Bwb3J0d29yeC5jb20vanN0ZXZlbnMifQ.99XaM1ZjW-RLLuC8MW6fywbZ15ZUacZwwcJF9TE0HPGcVjUwmuGTj8Id51XTkehEk3LC6v17-kyk-HPP5cDu0A";
    public static final String V34_JTI = "00000000-0000-4000-8000-000000000023";
    /** {@code openssl pkey -in <key> -pubout -outform DER | sha256sum | cut -c1-16} of the two test-only keys. */
    public static final String V3_RSA_FINGERPRINT = "5cbac1b3378908e3";
    public static final String V4_ECDSA_FINGERPRINT = "78126c5a57c295b2";
    /** Classpath locations of the test-only keys (published: they sign nothing but these vectors). */
    public static final String V3_RSA_KEY = "/test-only-keys/rsa-2048-private-key.pem";
    public static final String V4_ECDSA_KEY = "/test-only-keys/ecdsa-p256-private-key.pem";

    private KnownAnswers() {
    }
}
