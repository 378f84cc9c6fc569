package io.pxtoken.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTP requests to RBAC attributes, as the kube-apiserver's RequestInfoFactory resolves them (cases from its tests). */
class RequestAttributesTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /api/v1/namespaces                                         | list namespaces (cluster-wide)
            GET    | /api/v1/namespaces/other                                   | get namespaces/other -n other
            GET    | /api/v1/namespaces/other/pods                              | list pods -n other
            GET    | /api/v1/namespaces/other/pods/foo                          | get pods/foo -n other
            GET    | /api/v1/pods                                               | list pods (cluster-wide)
            GET    | /api/v1/namespaces/other/pods/foo/status                   | get pods/foo --subresource=status -n other
            PUT    | /api/v1/namespaces/other/finalize                          | update namespaces/other --subresource=finalize -n other
            GET    | /api/v1/watch/namespaces/other/pods                        | watch pods -n other
            GET    | /api/v1/namespaces/other/pods?watch=true                   | watch pods -n other
            GET    | /api/v1/namespaces/other/pods?watch=1&resourceVersion=5    | watch pods -n other
            GET    | /api/v1/namespaces/other/pods?watch=false                  | list pods -n other
            GET    | /api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo&watch=true | watch pods/foo -n other
            GET    | /api/v1/namespaces/other/pods?fieldSelector=metadata.name%3D%3Dfoo | list pods/foo -n other
            GET    | /api/v1/namespaces/other/pods?fieldSelector=metadata.name%21%3Dfoo | list pods -n other
            GET    | /api/v1/namespaces/other/pods?labelSelector=a%3Db          | list pods -n other
            POST   | /api/v1/namespaces/other/pods                              | create pods -n other
            PUT    | /api/v1/namespaces/other/pods/foo                          | update pods/foo -n other
            PATCH  | /apis/coordination.k8s.io/v1/namespaces/test/leases/px-token-service | patch leases.coordination.k8s.io/px-token-service -n test
            DELETE | /api/v1/namespaces/other/pods/foo                          | delete pods/foo -n other
            DELETE | /api/v1/namespaces/other/pods                              | deletecollection pods -n other
            PUT    | /apis/pxtoken.io/v1alpha1/namespaces/a/pxtokens/t/status   | update pxtokens.pxtoken.io/t --subresource=status -n a
            PUT    | /apis/pxtoken.io/v1alpha1/clusterpxtokens/t/status         | update clusterpxtokens.pxtoken.io/t --subresource=status (cluster-wide)
            GET    | /apis/storage.k8s.io/v1/storageclasses?watch=true          | watch storageclasses.storage.k8s.io (cluster-wide)
            POST   | /apis/authorization.k8s.io/v1/subjectaccessreviews         | create subjectaccessreviews.authorization.k8s.io (cluster-wide)
            GET    | /api/v1/proxy/namespaces/other/pods/foo/a                  | proxy pods/foo -n other
            GET    | /api/v1/namespaces/other/pods/foo/proxy/a/b                | get pods/foo --subresource=proxy -n other
            GET    | /version                                                   | get /version (non-resource URL)
            GET    | /apis                                                      | get /apis (non-resource URL)
            GET    | /api/v1                                                    | get /api/v1 (non-resource URL)
            POST   | /healthz                                                   | post /healthz (non-resource URL)
            """)
    void resolvesLikeTheApiServer(String method, String path, String expected) {
        assertEquals(expected, RequestAttributes.of(method, path).toString());
    }
}
