package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with a private CA: a real TLS server whose self-signed certificate (made with the JDK's
 * keytool) is trusted only through {@link ObjectStoreConfig#trustedCertificates()}. The server
 * answers every request with 200, which is all bucket checks at start need.
 */
class CustomTrustTest {

    private static final String PASSWORD = "changeit";

    @Test
    void aPrivateCertificateIsTrustedOnlyWhenConfigured(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("server.p12");
        Path certificate = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "s3", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "s3", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());

        List<String> requests = new CopyOnWriteArrayList<>();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keyStore)));
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String endpoint = "https://127.0.0.1:" + server.getAddress().getPort();
            ObjectStoreConfig.Builder config = ObjectStoreConfig.builder()
                    .setEndpoint(endpoint).setAccessKey("gp").setSecretKey("secret");

            assertThatThrownBy(() -> ObjectStore.open(config.build()))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("TLS handshake failed")
                    .satisfies(e -> assertThat(((StorageException) e).isRetriable()).isFalse());
            assertThat(requests).isEmpty();

            try (ObjectStore store = ObjectStore.open(config.optTrustedCertificates(certificate).build())) {
                assertThat(store.config().secure()).isTrue();
            }
            // every configured bucket was checked over TLS
            assertThat(requests).containsExactly("HEAD /graphpaint-images", "HEAD /graphpaint-models",
                    "HEAD /graphpaint-datasets");
        } finally {
            server.stop(0);
        }
    }

    private static SSLContext serverContext(Path keyStoreFile) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStoreFile)) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", command, output).isZero();
    }
}
