package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.net.SocketFactory;

import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreConfigTest {

    private static final String SECRET = "s3cr3t-VALUE-never-printed";

    private static ObjectStoreConfig.Builder valid() {
        return ObjectStoreConfig.builder().setEndpoint("http://127.0.0.1:9000").setAccessKey("gp").setSecretKey(SECRET);
    }

    @Test
    void toStringNeverPrintsTheSecret() {
        ObjectStoreConfig config = valid().build();
        assertThat(config.toString()).doesNotContain(SECRET).contains("secretKey=****").contains("accessKey=gp");
        assertThat(config.withCredentials("other", "another-secret").toString()).doesNotContain("another-secret");
    }

    @Test
    void defaultsAreSensible() {
        ObjectStoreConfig config = valid().build();
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.secure()).isFalse();
        assertThat(config.tcpNoDelay()).isTrue();
        assertThat(config.buckets().all()).containsExactly("graphpaint-images", "graphpaint-models", "graphpaint-datasets");
        assertThat(valid().setEndpoint("https://s3.example.com").build().secure()).isTrue();
    }

    @Test
    void refusesBadValuesNamingTheField() {
        assertThatThrownBy(() -> valid().setEndpoint("ftp://host:1").build()).hasMessageContaining("scheme must be http or https");
        assertThatThrownBy(() -> valid().setEndpoint("http://host:1/path").build()).hasMessageContaining("must not have a path");
        assertThatThrownBy(() -> valid().setSecretKey(" ").build()).hasMessageContaining("secretKey");
        assertThatThrownBy(() -> valid().setAccessKey(null).build()).hasMessageContaining("accessKey");
        assertThatThrownBy(() -> valid().optRegion("US EAST").build()).hasMessageContaining("region");
        assertThatThrownBy(() -> new ObjectStoreConfig.Buckets("ok-bucket", "Models", "ds-bucket"))
                .hasMessageContaining("buckets.models").hasMessageContaining("'Models'");
        assertThatThrownBy(() -> new ObjectStoreConfig.Timeouts(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("timeouts.connect");
        assertThatThrownBy(() -> valid().optTrustedCertificates(Path.of("ca.pem")).build())
                .hasMessageContaining("only used with HTTPS");
    }

    @Test
    void readsTheEnvironmentWithTheSecretFromAFile(@TempDir Path dir) throws Exception {
        Path secretFile = dir.resolve("secret");
        Files.writeString(secretFile, SECRET + "\n");
        Map<String, String> env = new HashMap<>();
        env.put(ObjectStoreConfig.ENV_ENDPOINT, "http://minio:9000");
        env.put(ObjectStoreConfig.ENV_ACCESS_KEY, "gp");
        env.put(ObjectStoreConfig.ENV_SECRET_KEY_FILE, secretFile.toString());
        env.put(ObjectStoreConfig.ENV_BUCKET_IMAGES, "my-images");
        env.put(ObjectStoreConfig.ENV_READ_TIMEOUT_MS, "1500");
        ObjectStoreConfig config = ObjectStoreConfig.fromEnvironment(env);
        assertThat(config.secretKey()).isEqualTo(SECRET);
        assertThat(config.buckets().images()).isEqualTo("my-images");
        assertThat(config.buckets().models()).isEqualTo("graphpaint-models");
        assertThat(config.timeouts().read()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void reportsEveryEnvironmentProblemAtOnce() {
        Map<String, String> env = Map.of(
                ObjectStoreConfig.ENV_BUCKET_MODELS, "UPPER",
                ObjectStoreConfig.ENV_CONNECT_TIMEOUT_MS, "soon");
        assertThatThrownBy(() -> ObjectStoreConfig.fromEnvironment(env))
                .hasMessageContaining(ObjectStoreConfig.ENV_ENDPOINT + " is not set")
                .hasMessageContaining(ObjectStoreConfig.ENV_ACCESS_KEY + " is not set")
                .hasMessageContaining(ObjectStoreConfig.ENV_SECRET_KEY_FILE)
                .hasMessageContaining("'UPPER'")
                .hasMessageContaining("Invalid value 'soon' for " + ObjectStoreConfig.ENV_CONNECT_TIMEOUT_MS);
    }

    @Test
    void theHttpClientSetsTcpNoDelayAndTheTimeouts() throws Exception {
        ObjectStoreConfig config = valid()
                .optTimeouts(new ObjectStoreConfig.Timeouts(Duration.ofMillis(1234), Duration.ofSeconds(5), Duration.ofSeconds(6)))
                .build();
        OkHttpClient client = HttpClients.forConfig(config);
        assertThat(client.connectTimeoutMillis()).isEqualTo(1234);
        assertThat(client.readTimeoutMillis()).isEqualTo(5000);
        assertThat(client.writeTimeoutMillis()).isEqualTo(6000);
        try (Socket socket = client.socketFactory().createSocket()) {
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
        OkHttpClient nagle = HttpClients.forConfig(valid().optTcpNoDelay(false).build());
        assertThat(nagle.socketFactory()).isSameAs(SocketFactory.getDefault());
    }

    @Test
    void aTrustFileWithoutCertificatesIsRefusedClearly(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, "not a certificate");
        ObjectStoreConfig config = valid().setEndpoint("https://s3.example.com").optTrustedCertificates(pem).build();
        assertThatThrownBy(() -> HttpClients.forConfig(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid trustedCertificates " + pem);
    }
}
