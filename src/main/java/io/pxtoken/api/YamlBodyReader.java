package io.pxtoken.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

import org.yaml.snakeyaml.LoaderOptions;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads request bodies sent as YAML, so a pxctl auth-config file posts unmodified. Like pxctl, unknown keys are
 * ignored; a scalar where a list belongs ({@code roles: system.admin}) is still an error. Aliases, nesting and size
 * are bounded so a hostile document cannot blow up.
 */
@Provider
@Consumes({ MediaTypes.YAML, MediaTypes.X_YAML, MediaTypes.TEXT_YAML })
public class YamlBodyReader implements MessageBodyReader<Object> {

    private final ObjectMapper yaml;

    public YamlBodyReader() {
        LoaderOptions limits = new LoaderOptions();
        limits.setMaxAliasesForCollections(10);
        limits.setNestingDepthLimit(16);
        limits.setCodePointLimit(RequestChecks.MAX_BYTES);
        limits.setAllowDuplicateKeys(false);
        this.yaml = YAMLMapper.builder(YAMLFactory.builder().loaderOptions(limits).build())
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
        return yaml.readValue(body, yaml.constructType(genericType));
    }
}
