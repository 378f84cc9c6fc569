package io.pxtoken.renewal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.concurrent.CountDownLatch;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * The fabric8 mock API server in CRUD mode (plain HTTP, loopback) in a process of its own, for bench/renewal-apart.sh:
 * the service runs beside it as deployed, so the service's own CPU and memory are measured apart from the server's.
 * Not a test (its name does not end in Test). Usage: {@code java -cp <test classpath> io.pxtoken.renewal.MockApiServer PORT}.
 */
public final class MockApiServer {

    private MockApiServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        System.out.println("mock API server on http://127.0.0.1:" + port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        new CountDownLatch(1).await();
    }
}
