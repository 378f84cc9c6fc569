package io.pxtoken.token;

/** The known-answer vectors of PORTWORX-TOKENS.md, section 8. */
public final class KnownAnswers {

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

    private KnownAnswers() {
    }
}
