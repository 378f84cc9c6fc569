#!/bin/sh
# Recomputes the RS256 and ES256 known-answer vectors of KnownAnswers (V3, V4) with openssl alone: nothing of the
# service takes part. Run it in this directory: sh vectors.sh
# RS256 (RSASSA-PKCS1-v1_5, SHA-256) is deterministic: V3 must come out byte for byte.
# ES256 is randomized: each run prints another valid V4 (the committed one is one such run).
set -eu
b64url() { basenc --base64url | tr -d '=\n'; }
HEADER_RS=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url)
HEADER_ES=$(printf '%s' '{"alg":"ES256","typ":"JWT"}' | b64url)
# V1's claims (PORTWORX-TOKENS.md section 8) in golang-jwt's bytes (sorted keys), plus the jti the service adds
PAYLOAD=$(printf '%s' '{"email":"jstevens@portworx.com","exp":1567530022,"groups":["*"],"iat":1567443622,"iss":"my_issuer","jti":"00000000-0000-4000-8000-000000000023","name":"Jim Stevens","roles":["system.user"],"sub":"jstevens@portworx.com/jstevens"}' | b64url)
SIG_RS=$(printf '%s' "$HEADER_RS.$PAYLOAD" | openssl dgst -sha256 -sign rsa-2048-private-key.pem | b64url)
echo "V3 (RS256) $HEADER_RS.$PAYLOAD.$SIG_RS"
# openssl writes an ECDSA signature as DER SEQUENCE { INTEGER r, INTEGER s }; JWS wants r || s, 32 bytes each
DER=$(mktemp)
printf '%s' "$HEADER_ES.$PAYLOAD" | openssl dgst -sha256 -sign ecdsa-p256-private-key.pem > "$DER"
RS_HEX=$(openssl asn1parse -inform DER -in "$DER" | sed -n 's/.*INTEGER *://p' | while read -r h; do printf '%064s' "$h" | tr ' ' 0; done)
rm -f "$DER"
SIG_ES=$(printf '%s' "$RS_HEX" | xxd -r -p | b64url)
echo "V4 (ES256) $HEADER_ES.$PAYLOAD.$SIG_ES"
for f in rsa-2048-private-key.pem ecdsa-p256-private-key.pem; do
    echo "fingerprint $f $(openssl pkey -in $f -pubout -outform DER | sha256sum | cut -c1-16)"
done
