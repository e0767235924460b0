package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

/**
 * A proxy in front of the store answering with HTML error pages, as load balancers do: bucket
 * checks (HEAD) get the status alone, reads get an HTML body instead of S3's XML.
 */
class NonS3AnswerTest {

    private static StorageException failureAgainst(int status, boolean headsSucceed) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = ("<html><body>" + status + " from the proxy</body></html>").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (head) {
                exchange.sendResponseHeaders(headsSucceed ? 200 : status, -1);
            } else {
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(status, page.length);
                exchange.getResponseBody().write(page);
            }
            exchange.close();
        });
        server.start();
        try {
            ObjectStoreConfig config = ObjectStoreConfig.builder()
                    .setEndpoint("http://127.0.0.1:" + server.getAddress().getPort())
                    .setAccessKey("gp").setSecretKey("secret").build();
            Throwable thrown = catchThrowable(() -> {
                try (ObjectStore store = ObjectStore.open(config)) {
                    store.get("graphpaint-images", "images/r/0.png");
                }
            });
            assertThat(thrown).isInstanceOf(StorageException.class).hasMessageContaining("bucket 'graphpaint-images'");
            return (StorageException) thrown;
        } finally {
            server.stop(0);
        }
    }

    @Test
    void gatewayErrorsAreRetriable() throws Exception {
        StorageException atStart = failureAgainst(502, false);
        assertThat(atStart.operation()).isEqualTo("makeBucket");
        assertThat(atStart.httpStatus()).isEqualTo(502);
        assertThat(atStart.isRetriable()).as(atStart.getMessage()).isTrue();

        StorageException onRead = failureAgainst(503, true);
        assertThat(onRead.operation()).isEqualTo("get");
        assertThat(onRead.key()).contains("images/r/0.png");
        assertThat(onRead.httpStatus()).isEqualTo(503);
        assertThat(onRead.isRetriable()).as(onRead.getMessage()).isTrue();
        assertThat(onRead.getMessage()).contains("did not answer like an S3 server");
    }

    @Test
    void forbiddenIsNotRetriable() throws Exception {
        StorageException atStart = failureAgainst(403, false);
        assertThat(atStart.httpStatus()).isEqualTo(403);
        assertThat(atStart.isRetriable()).as(atStart.getMessage()).isFalse();

        StorageException onRead = failureAgainst(403, true);
        assertThat(onRead.httpStatus()).isEqualTo(403);
        assertThat(onRead.isRetriable()).as(onRead.getMessage()).isFalse();
    }
}
