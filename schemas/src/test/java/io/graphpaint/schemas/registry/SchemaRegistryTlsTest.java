package io.graphpaint.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.graphpaint.events.SceneGraph;
import io.graphpaint.schemas.testing.InMemoryRegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS settings reach the HTTP client: a registry with a self-signed certificate is trusted only through them. */
class SchemaRegistryTlsTest {

  @TempDir
  static Path dir;
  private static Path truststore;
  private static InMemoryRegistryServer server;
  private static SSLContext serverTls;

  @BeforeAll
  static void start() throws Exception {
    Path keystore = dir.resolve("registry.p12");
    Path certificate = dir.resolve("registry.crt");
    truststore = dir.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=registry", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "changeit");
    keytool("-exportcert", "-alias", "registry", "-keystore", keystore.toString(), "-storepass", "changeit",
        "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(),
        "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", "trustpass");

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, "changeit".toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(keyManagers.getKeyManagers(), null, null);
    server = new InMemoryRegistryServer(serverTls);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void defaultTrustRefusesTheSelfSignedRegistry() {
    try (SchemaRegistryClient client = SchemaRegistryClient.create(server.url())) {
      SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class,
          () -> client.register("tls-value", SceneGraph.getClassSchema()));
      assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.UNREACHABLE);
      assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class);
      assertThat(e).hasMessageContaining("PKIX path building failed");
    }
  }

  @Test
  void trustStoreKeysAndAnSslContextBothReachTheClient() throws Exception {
    try (SchemaRegistryClient client = SchemaRegistryClient.create(Map.of(
        "schema.registry.url", server.url(),
        "schema.registry.ssl.truststore.location", truststore.toString(),
        "schema.registry.ssl.truststore.password", "trustpass",
        "schema.registry.ssl.truststore.type", "PKCS12"))) {
      int id = client.register("tls-value", SceneGraph.getClassSchema());
      assertThat(client.schemaById(id)).isEqualTo(SceneGraph.getClassSchema());
    }

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(truststore)) {
      trusted.load(in, "trustpass".toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (SchemaRegistryClient client = SchemaRegistryClient.builder()
        .config(Map.of("schema.registry.url", server.url()))
        .optSslContext(context)
        .build()) {
      assertThat(client.register("tls-value", SceneGraph.getClassSchema())).isPositive();
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
  }
}
