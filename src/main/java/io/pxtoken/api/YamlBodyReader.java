package io.pxtoken.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pxtoken.token.InvalidClaimsException;
import io.pxtoken.token.Violation;

/**
 * Reads request bodies sent as YAML, so a pxctl auth-config file posts unmodified and reads as pxctl reads it:
 * gopkg.in/yaml.v2 {@code Unmarshal} into openstorage's {@code Claims} struct.
 * <ul>
 * <li>Only the first document counts; keys are case-sensitive; unknown keys are ignored and never expanded; the last
 * of duplicate keys wins; {@code <<} merges a mapping (or a list of them, earlier ones winning).</li>
 * <li>Aliases stand for their anchored values ({@code sub: *n} after {@code name: &n a} is {@code a}); a document
 * whose aliases expand past {@link #MAX_VALUES} values is refused, as yaml.v2 refuses excessive aliasing.</li>
 * <li>Any scalar is its text ({@code name: 123} is {@code "123"}, {@code yes} stays {@code yes}); a plain {@code ~},
 * {@code null} or nothing is null ({@code groups:} means no groups); {@code !!binary} is decoded.</li>
 * <li>A backslash-u or backslash-U escape for a surrogate or beyond U+10FFFF is refused, anywhere in the document, as
 * yaml.v2's scanner refuses it ("found invalid Unicode character escape code"); a list where a string belongs, or a
 * scalar where a list belongs ({@code roles: system.admin}), is an error.</li>
 * </ul>
 * The YAML is composed by SnakeYAML (aliases are links, so composing costs nothing), turned into a JSON tree by the
 * rules above, and bound by Jackson.
 */
@Provider
@Consumes({ MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML })
public class YamlBodyReader implements MessageBodyReader<Object> {

    /** How many values the fields read may expand to through aliases. */
    static final int MAX_VALUES = 10_000;
    private static final int MAX_DEPTH = 16;
    private static final String NULL_TEXT = "";

    private final LoaderOptions limits;
    private final ObjectMapper mapper;

    public YamlBodyReader() {
        limits = new LoaderOptions();
        // composing links aliases without copying; what they expand to is bounded below, where it is read
        limits.setMaxAliasesForCollections(1_000);
        limits.setAllowRecursiveKeys(false);
        limits.setNestingDepthLimit(MAX_DEPTH);
        limits.setCodePointLimit(RequestChecks.MAX_BYTES);
        limits.setAllowDuplicateKeys(true);
        this.mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .build();
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type != String.class;
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, String> headers, InputStream body) throws IOException {
        String text = decode(body.readAllBytes());
        Node root;
        try {
            Iterator<Node> documents = new Yaml(limits).composeAll(new StringReader(text)).iterator();
            root = documents.hasNext() ? documents.next() : null;
        } catch (YAMLException e) {
            throw invalid("body", "cannot be parsed as YAML" + where(e));
        }
        JavaType target = mapper.constructType(genericType);
        if (root == null || root instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
            return null;
        }
        new EscapeCheck(text).check(root, "body");
        JsonNode tree = new Converter(knownFields(target)).convert(root, "body", 0);
        return mapper.readerFor(target).readValue(tree);
    }

    /** yaml.v2 reads UTF-8, or UTF-16 after a byte order mark; anything else is refused, never patched. */
    private static String decode(byte[] bytes) {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            skip = 3;
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("body", "is not valid " + charset.name() + " text");
        }
    }

    /** The properties of the target type: the only top-level keys that are read (and so expanded). */
    private Set<String> knownFields(JavaType target) {
        return mapper.getDeserializationConfig().introspect(target).findProperties().stream()
                .map(BeanPropertyDefinition::getName).collect(Collectors.toSet());
    }

    private static String where(YAMLException e) {
        if (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            return " (line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1) + ")";
        }
        return "";
    }

    static InvalidClaimsException invalid(String field, String reason) {
        return new InvalidClaimsException(List.of(new Violation(field, reason)));
    }

    /**
     * yaml.v2's scanner refuses backslash-u and backslash-U escapes of surrogates or beyond U+10FFFF in any double-quoted
     * scalar, even one in a key nobody reads. SnakeYAML decodes them (a pair of escapes even becomes one valid
     * character), so the escapes are checked in the scalars' source text.
     */
    private static final class EscapeCheck {

        private final int[] source;
        private final Map<Node, Boolean> seen = new IdentityHashMap<>();

        EscapeCheck(String text) {
            this.source = text.codePoints().toArray();
        }

        void check(Node node, String path) {
            if (seen.put(node, Boolean.TRUE) != null) {
                return;
            }
            if (node instanceof ScalarNode s) {
                if (s.getScalarStyle() == DumperOptions.ScalarStyle.DOUBLE_QUOTED && badEscape(s)) {
                    throw invalid(path, "has a \\u escape for a surrogate or an invalid code point, which pxctl's YAML"
                            + " reader refuses (write the character itself, or \\U and its full code point)");
                }
            } else if (node instanceof SequenceNode seq) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    check(seq.getValue().get(i), path + "[" + i + "]");
                }
            } else if (node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "(key)";
                    check(t.getKeyNode(), child(path, key));
                    check(t.getValueNode(), child(path, key));
                }
            }
        }

        private boolean badEscape(ScalarNode s) {
            int end = Math.min(s.getEndMark().getIndex(), source.length);
            for (int i = s.getStartMark().getIndex(); i < end; i++) {
                if (source[i] != '\\' || i + 1 >= end) {
                    continue;
                }
                int kind = source[++i];
                int digits = kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
                if (digits == 0 || i + digits >= end) {
                    continue;
                }
                long value = 0;
                for (int k = 1; k <= digits; k++) {
                    value = value * 16 + Character.digit(source[i + k], 16);
                }
                if (value >= 0xD800 && value <= 0xDFFF || value > 0x10FFFF) {
                    return true;
                }
                i += digits;
            }
            return false;
        }
    }

    /** Node graph to JSON tree, by yaml.v2's rules for decoding into strings, lists and structs. */
    private static final class Converter {

        private final Set<String> topLevel;
        private int values;

        Converter(Set<String> topLevel) {
            this.topLevel = topLevel;
        }

        JsonNode convert(Node node, String path, int depth) {
            if (++values > MAX_VALUES || depth > MAX_DEPTH) {
                throw invalid(path, "expands, through its aliases, to more than " + MAX_VALUES + " values or "
                        + MAX_DEPTH + " levels; pxctl refuses such documents too");
            }
            if (node instanceof ScalarNode s) {
                return scalar(s, path);
            }
            if (node instanceof SequenceNode seq) {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    array.add(convert(items.get(i), path + "[" + i + "]", depth + 1));
                }
                return array;
            }
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            mapping((MappingNode) node, object, path, depth, depth == 0 ? topLevel : null);
            return object;
        }

        private void mapping(MappingNode map, ObjectNode into, String path, int depth, Set<String> known) {
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw invalid(path, "has a key that is a list or a mapping; keys are names");
                }
                if (k.getTag().equals(Tag.MERGE)) {
                    merge(t.getValueNode(), into, child(path, "<<"), depth, known);
                    continue;
                }
                String key = k.getTag().equals(Tag.NULL) ? NULL_TEXT : k.getValue();
                if (known == null || known.contains(key)) {
                    into.set(key, convert(t.getValueNode(), child(path, key), depth + 1));
                }
            }
        }

        /** yaml.v2 {@code decoder.merge}: a mapping, or a list of mappings applied last to first. */
        private void merge(Node value, ObjectNode into, String path, int depth, Set<String> known) {
            List<Node> sources = value instanceof SequenceNode seq ? new ArrayList<>(seq.getValue()) : List.of(value);
            for (int i = sources.size() - 1; i >= 0; i--) {
                if (!(sources.get(i) instanceof MappingNode source)) {
                    throw invalid(path, "must be a mapping or a list of mappings (map merge)");
                }
                if (++values > MAX_VALUES) {
                    throw invalid(path, "expands, through its aliases, to more than " + MAX_VALUES + " values");
                }
                mapping(source, into, path, depth, known);
            }
        }

        private static JsonNode scalar(ScalarNode s, String path) {
            Tag tag = s.getTag();
            if (tag.equals(Tag.NULL)) {
                return JsonNodeFactory.instance.nullNode();
            }
            if (tag.equals(Tag.BINARY)) {
                try {
                    // yaml.v2 resolve: base64.StdEncoding of the scalar (folded lines joined)
                    byte[] bytes = Base64.getDecoder().decode(s.getValue().replaceAll("\\s", ""));
                    return JsonNodeFactory.instance.textNode(StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
                } catch (IllegalArgumentException | CharacterCodingException e) {
                    throw invalid(path, "is !!binary but not base64 of UTF-8 text");
                }
            }
            return JsonNodeFactory.instance.textNode(s.getValue());
        }
    }

    private static String child(String path, String key) {
        return "body".equals(path) ? key : path + "." + key;
    }
}
