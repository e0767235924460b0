package io.graphpaint.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What a running {@code graphpaint up} tells other commands on this machine: its endpoints, in
 * {@code <data dir>/up.properties} (owner-readable only: it holds the local S3 keys). Written when
 * everything is ready, deleted on shutdown; a file left by a killed {@code up} names a pid that no
 * longer runs and is ignored.
 */
record UpState(long pid, URI orchestratorUrl, String bootstrapServers, String schemaRegistryUrl,
    String s3Endpoint, String s3AccessKey, String s3SecretKey) {

  static final Path DEFAULT_DATA_DIR = Path.of(".graphpaint");
  static final String FILE = "up.properties";

  /** The environment a service needs to reach this stack (keys of ObjectStoreConfig). */
  Map<String, String> s3Environment() {
    Map<String, String> env = new TreeMap<>();
    env.put("GRAPHPAINT_S3_ENDPOINT", s3Endpoint);
    env.put("GRAPHPAINT_S3_ACCESS_KEY", s3AccessKey);
    env.put("GRAPHPAINT_S3_SECRET_KEY", s3SecretKey);
    return env;
  }

  void write(Path dataDir) {
    Properties properties = new Properties();
    properties.setProperty("pid", Long.toString(pid));
    properties.setProperty("orchestrator.url", orchestratorUrl.toString());
    properties.setProperty("kafka.bootstrap.servers", bootstrapServers);
    properties.setProperty("schema.registry.url", schemaRegistryUrl);
    properties.setProperty("s3.endpoint", s3Endpoint);
    properties.setProperty("s3.access.key", s3AccessKey);
    properties.setProperty("s3.secret.key", s3SecretKey);
    try {
      Files.createDirectories(dataDir);
      Path partial = dataDir.resolve(FILE + ".part");
      Files.deleteIfExists(partial);
      Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(partial)) {
        properties.store(out, "endpoints of the running graphpaint up (pid " + pid + ")");
      }
      Files.move(partial, dataDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
    }
  }

  static void delete(Path dataDir) {
    try {
      Files.deleteIfExists(dataDir.resolve(FILE));
    } catch (IOException ignored) {
      // a stale file names a dead pid and is ignored
    }
  }

  /** The state of a live {@code up} using {@code dataDir}, if any. */
  static Optional<UpState> read(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
      long pid = Long.parseLong(properties.getProperty("pid", "-1"));
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        return Optional.of(new UpState(pid, URI.create(properties.getProperty("orchestrator.url")),
            properties.getProperty("kafka.bootstrap.servers"), properties.getProperty("schema.registry.url"),
            properties.getProperty("s3.endpoint"), properties.getProperty("s3.access.key"),
            properties.getProperty("s3.secret.key")));
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
