package io.pxtoken.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.nimbusds.jwt.JWTClaimsSet;

import io.pxtoken.TestKeys;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Auth-config files read as pxctl reads them: gopkg.in/yaml.v2 (v2.4.0, the version openstorage pins)
 * {@code Unmarshal} into the {@code Claims} struct. Each expectation is what yaml.v2 makes of the file (the deciding
 * function is named), checked in the minted token's claims.
 */
@QuarkusTest
class AuthConfigYamlTest {

    static JWTClaimsSet mint(String yaml) {
        String token = given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(200).extract().path("token");
        try {
            return TestKeys.verified(token, TestKeys.secret()).getJWTClaimsSet();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    static void refused(String yaml, String field, String reason) {
        given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(field))
                .body("errors[0].reason", containsString(reason));
    }

    @Test
    void anAliasIsItsAnchoredValue() throws Exception {
        // decoder.alias: the alias decodes the anchored node, never its name
        JWTClaimsSet c = mint("name: &n a\nsub: *n\nroles: [system.user]\n");
        assertEquals("a", c.getSubject());
        c = mint("name: n\nroles: &r [system.user]\ngroups: *r\n");
        assertEquals(List.of("system.user"), c.getStringListClaim("groups"));
    }

    @Test
    void groupsWithoutAValueMeansNoGroups() throws Exception {
        // decoder.scalar: a null leaves Groups nil; openstorage's Token() then writes no groups claim
        assertFalse(mint("name: n\ngroups:\nroles: [system.user]\n").getClaims().containsKey("groups"));
        assertFalse(mint("name: n\ngroups: ~\nroles: [system.user]\n").getClaims().containsKey("groups"));
        assertEquals(List.of(), mint("name: n\ngroups: []\nroles: [system.user]\n").getStringListClaim("groups"));
    }

    @Test
    void theLastOfDuplicateKeysWins() throws Exception {
        // decoder.mappingStruct (not strict): each key is decoded in turn into its field
        assertEquals(List.of("system.view"), mint("name: n\nroles: [system.user]\nroles: [system.view]\n").getStringListClaim("roles"));
        // keys are case-sensitive: Name is an unknown key
        assertEquals("lower", mint("Name: upper\nname: lower\nroles: [system.user]\n").getStringClaim("name"));
    }

    @Test
    void aScalarIsItsText() throws Exception {
        // decoder.scalar: a resolved non-null scalar goes into a string as the text written
        JWTClaimsSet c = mint("name: 123\nsub: 0x1F\nroles: [system.user]\ngroups: [yes, 1.50, \"null\"]\n");
        assertEquals("123", c.getStringClaim("name"));
        assertEquals("0x1F", c.getSubject());
        assertEquals(List.of("yes", "1.50", "null"), c.getStringListClaim("groups"));
        assertEquals("hello", mint("name: !!binary aGVsbG8=\nroles: [system.user]\n").getStringClaim("name"));
    }

    @Test
    void mergeKeysMergeAsInYamlV2() throws Exception {
        // decoder.merge: the mapping's fields are decoded where << stands; a list merges last to first
        JWTClaimsSet c = mint("base: &b {name: from-base, email: b@example.com}\n<<: *b\nname: own\nroles: [system.user]\n");
        assertEquals("own", c.getStringClaim("name"));
        assertEquals("b@example.com", c.getStringClaim("email"));
        c = mint("a: &a {name: first}\nb: &b {name: second}\n<<: [*a, *b]\nroles: [system.user]\n");
        assertEquals("first", c.getStringClaim("name"));
    }

    @Test
    void onlyTheFirstDocumentIsRead() throws Exception {
        // yaml.Unmarshal parses one document; what follows is never read
        assertEquals("first", mint("name: first\nroles: [system.user]\n---\nname: second\n").getStringClaim("name"));
        assertEquals("first", mint("name: first\nroles: [system.user]\n--- [\n").getStringClaim("name"));
    }

    @Test
    void unknownKeysAreNeverExpanded() throws Exception {
        // decoder.mappingStruct skips keys the struct lacks, so even a recursive alias there is harmless
        assertEquals("n", mint("x: &a [*a]\nname: n\nroles: [system.user]\n").getStringClaim("name"));
    }

    @Test
    void escapesAreCheckedAsYamlV2sScannerChecksThem() throws Exception {
        // yaml_parser_scan_flow_scalar: "found invalid Unicode character escape code" for surrogates, even in pairs
        refused("name: \"a\\ud800b\"\nroles: [system.user]\n", "name", "surrogate");
        refused("name: \"a\\ud83d\\ude00b\"\nroles: [system.user]\n", "name", "surrogate");
        refused("name: n\nroles: [system.user]\nnotes: \"\\udfff\"\n", "notes", "surrogate");
        // beyond U+10FFFF SnakeYAML's own scanner refuses it too
        refused("name: n\nroles: [\"system.user\", \"\\U00110000\"]\n", "body", "cannot be parsed as YAML");
        // \U with the full code point is fine; single quotes and comments have no escapes
        assertEquals("a\uD83D\uDE00b", mint("name: \"a\\U0001F600b\"\nroles: [system.user]\n").getStringClaim("name"));
        assertEquals("a\\ud800", mint("name: 'a\\ud800'\nroles: [system.user]\n").getStringClaim("name"));
        assertEquals("a", mint("name: a # \"\\ud800\"\nroles: [system.user]\n").getStringClaim("name"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            'name: n\\nroles: system.admin'              | roles  | must be a list of strings
            'name: [n]\\nroles: [system.user]'            | name   | must be a string
            '? [a]\\n: b\\nname: n'                       | body   | keys are names
            '<<: [a]\\nname: n'                           | <<     | map merge
            'name: !!binary ?%\\nroles: [system.user]'    | name   | not base64
            'name: n\\nroles: [system.user'               | body   | cannot be parsed as YAML (line 2
            """)
    void refusesWhatYamlV2Refuses(String yaml, String field, String reason) {
        refused(yaml.replace("\\n", "\n"), field, reason);
    }

    @Test
    void aliasesThatExpandTooFarAreRefused() {
        // yaml.v2 decoder: "document contains excessive aliasing"
        StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'f'; c++) {
            char p = (char) (c - 1);
            y.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
                    .append(p).append(", *").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        given().contentType("application/yaml").body((y + "name: n\nroles: [system.user]\ngroups: *f\n").getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.startsWith("groups["))
                .body("errors[0].reason", containsString("more than 10000 values"));
    }

    @Test
    void theResponseSubjectIsTheTokensSub() {
        Map<String, Object> r = given().contentType("application/yaml")
                .body("name: &n Zoë\nsub: *n\nroles: [system.user]\n".getBytes(StandardCharsets.UTF_8))
                .post("/v1/tokens").then().statusCode(200).extract().as(Map.class);
        assertEquals("Zoë", r.get("subject"));
    }
}
