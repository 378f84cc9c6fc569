package io.pxtoken.api;

/** Content types the API speaks beyond JSON and text. */
final class MediaTypes {

    static final String YAML = "application/yaml";
    static final String X_YAML = "application/x-yaml";
    static final String TEXT_YAML = "text/yaml";
    static final String PROBLEM_JSON = "application/problem+json";

    private MediaTypes() {
    }
}
