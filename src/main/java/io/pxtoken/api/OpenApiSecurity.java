package io.pxtoken.api;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * With authentication off ({@code pxtoken.auth.enabled=false}, as in {@code quarkus:dev}) the document declares no
 * security: Swagger UI then shows no Authorize button and no padlocks, which would suggest a token is needed.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
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
