package io.pxtoken.cluster;

import java.lang.reflect.Field;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Fails a test whose service made a request to the mock API server that the service account's RBAC in k8s/ does not
 * allow ({@link EnforcedRbac}), listing each request with its RBAC attributes and what to grant.
 */
public final class RbacDenials implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) throws IllegalAccessException {
        Object test = context.getRequiredTestInstance();
        for (Class<?> c = test.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == KubernetesServer.class) {
                    f.setAccessible(true);
                    KubernetesServer server = (KubernetesServer) f.get(test);
                    List<String> denied = EnforcedRbac.takeDenials(server);
                    if (!denied.isEmpty()) {
                        throw new AssertionError("The service made " + denied.size()
                                + " request(s) to the API server that its RBAC in k8s/ does not allow (a real cluster answers 403):\n  "
                                + String.join("\n  ", denied.stream().distinct().toList()));
                    }
                    return;
                }
            }
        }
        throw new AssertionError(RbacDenials.class.getSimpleName() + ": the test has no @KubernetesTestServer KubernetesServer field");
    }
}
