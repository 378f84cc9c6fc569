package io.pxtoken.api;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * With authentication off ({@code pxtoken.auth.enabled=false}, as in {@code quarkus:dev}) the document declares no
 * security: Swagger UI then shows no Authorize button and no padlocks, which would suggest a token is needed.
 * <p>
 * Run per request of {@code /q/openapi}, not at start-up: with only start-up filters, Quarkus 3.33 writes the whole
 * document as JSON and as YAML during every start (a {@code StaticDocument}); with a per-request filter it only reads
 * the build-time model at start and writes the format asked for when a client asks (a {@code DynamicDocument}), which
 * Swagger UI does once per page. The filter reads one setting: running it per request costs nothing that matters.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class OpenApiSecurity implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (ConfigProvider.getConfig().getOptionalValue("pxtoken.auth.enabled", Boolean.class).orElse(true)) {
            return;
        }
        openAPI.setSecurity(null);
        if (openAPI.getComponents() != null) {
            openAPI.getComponents().setSecuritySchemes(null);
        }
        if (openAPI.getPaths() != null && openAPI.getPaths().getPathItems() != null) {
            openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(op -> op.setSecurity(null)));
        }
    }
}
