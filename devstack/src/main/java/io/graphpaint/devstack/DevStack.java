package io.graphpaint.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * graphpaint's infrastructure in one object: a Kafka broker, a Confluent-compatible schema registry
 * and an S3 server, each real, started in parallel and closed together.
 *
 * <pre>{@code
 * try (DevStack stack = DevStack.start(DevStack.Config.builder().build())) {
 *     stack.bootstrapServers(); stack.schemaRegistryUrl(); stack.s3().endpoint();
 * }
 * }</pre>
 */
public final class DevStack implements AutoCloseable {

    /** The parts a stack can run. */
    public enum Part {
        KAFKA, SCHEMA_REGISTRY, S3
    }

    private final Config config;
    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry schemaRegistry;
    private final EmbeddedS3 s3;
    private final long startupMillis;
    private boolean closed;

    private DevStack(Config config, EmbeddedKafka kafka, EmbeddedSchemaRegistry schemaRegistry, EmbeddedS3 s3, long startupMillis) {
        this.config = config;
        this.kafka = kafka;
        this.schemaRegistry = schemaRegistry;
        this.s3 = s3;
        this.startupMillis = startupMillis;
    }

    /**
     * Starts the configured parts in parallel (the registry is a separate process, so its start
     * overlaps the broker's). If one part fails, the others are stopped and the first failure is thrown.
     */
    public static DevStack start(Config config) {
        Objects.requireNonNull(config, "config");
        QuietLogging.applyIfUnconfigured(); // once, before the parts' threads race to initialise logging
        long started = System.nanoTime();
        CompletableFuture<EmbeddedSchemaRegistry> registry = startPart(config.has(Part.SCHEMA_REGISTRY), "registry", () -> {
            EmbeddedSchemaRegistry.Builder builder = EmbeddedSchemaRegistry.builder().port(config.schemaRegistryPort());
            if (config.dataDir() != null) {
                builder.dataDir(config.dataDir().resolve("registry"));
            }
            return builder.start();
        });
        CompletableFuture<EmbeddedS3> s3 = startPart(config.has(Part.S3), "s3", () -> {
            EmbeddedS3.Builder builder = EmbeddedS3.builder().port(config.s3Port());
            if (config.dataDir() != null) {
                builder.dataDir(config.dataDir().resolve("s3"));
            }
            if (config.s3AccessKey() != null) {
                builder.credentials(config.s3AccessKey(), config.s3SecretKey());
            }
            return builder.start();
        });
        CompletableFuture<EmbeddedKafka> kafka = startPart(config.has(Part.KAFKA), "kafka", () -> {
            EmbeddedKafka.Builder builder = EmbeddedKafka.builder().port(config.kafkaPort()).controllerPort(config.kafkaControllerPort());
            if (config.dataDir() != null) {
                builder.dataDir(config.dataDir().resolve("kafka"));
            }
            return builder.start();
        });
        List<Throwable> failures = new ArrayList<>();
        EmbeddedKafka startedKafka = await(kafka, failures);
        EmbeddedSchemaRegistry startedRegistry = await(registry, failures);
        EmbeddedS3 startedS3 = await(s3, failures);
        if (!failures.isEmpty()) {
            closeAll(startedKafka, startedRegistry, startedS3);
            RuntimeException first = failures.get(0) instanceof RuntimeException e ? e : new IllegalStateException(failures.get(0));
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        return new DevStack(config, startedKafka, startedRegistry, startedS3, millis);
    }

    /** Every part on free ports with temporary data. */
    public static DevStack start() {
        return start(Config.builder().build());
    }

    private static <T> CompletableFuture<T> startPart(boolean wanted, String name, Supplier<T> starter) {
        if (!wanted) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(starter.get());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "graphpaint-devstack-start-" + name);
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    private static <T> T await(CompletableFuture<T> future, List<Throwable> failures) {
        try {
            return future.join();
        } catch (CompletionException e) {
            failures.add(e.getCause() != null ? e.getCause() : e);
            return null;
        }
    }

    public Config config() {
        return config;
    }

    public boolean has(Part part) {
        return config.has(part);
    }

    public EmbeddedKafka kafka() {
        return require(kafka, Part.KAFKA);
    }

    public EmbeddedSchemaRegistry schemaRegistry() {
        return require(schemaRegistry, Part.SCHEMA_REGISTRY);
    }

    public EmbeddedS3 s3() {
        return require(s3, Part.S3);
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** The Confluent-compatible API base URL, the value of {@code schema.registry.url}. */
    public String schemaRegistryUrl() {
        return schemaRegistry().url();
    }

    public String s3Endpoint() {
        return s3().endpoint();
    }

    /** How long each started part took to become usable, in milliseconds (parts started in parallel). */
    public Map<Part, Long> startupMillis() {
        Map<Part, Long> millis = new EnumMap<>(Part.class);
        if (kafka != null) {
            millis.put(Part.KAFKA, kafka.startupMillis());
        }
        if (schemaRegistry != null) {
            millis.put(Part.SCHEMA_REGISTRY, schemaRegistry.startupMillis());
        }
        if (s3 != null) {
            millis.put(Part.S3, s3.startupMillis());
        }
        return millis;
    }

    public long startupMillis(Part part) {
        Long millis = startupMillis().get(part);
        if (millis == null) {
            throw notStarted(part);
        }
        return millis;
    }

    /** Wall-clock time of the whole parallel start, in milliseconds. */
    public long totalStartupMillis() {
        return startupMillis;
    }

    /** One line per started part with what a client needs to connect. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (kafka != null) {
            text.append("kafka            bootstrap.servers=").append(kafka.bootstrapServers())
                    .append("  (started in ").append(kafka.startupMillis()).append(" ms, data ").append(kafka.dataDir()).append(")\n");
        }
        if (schemaRegistry != null) {
            text.append("schema registry  schema.registry.url=").append(schemaRegistry.url())
                    .append("  (started in ").append(schemaRegistry.startupMillis()).append(" ms, log ").append(schemaRegistry.logFile()).append(")\n");
        }
        if (s3 != null) {
            text.append("s3               endpoint=").append(s3.endpoint()).append(" region=").append(s3.region())
                    .append(" access key=").append(s3.accessKey()).append(" secret key=").append(s3.secretKey())
                    .append("  (started in ").append(s3.startupMillis()).append(" ms, ")
                    .append(s3.dataDir() != null ? "data " + s3.dataDir() : "in memory").append(")\n");
        }
        return text.toString();
    }

    private <T> T require(T part, Part which) {
        if (part == null) {
            throw notStarted(which);
        }
        return part;
    }

    private IllegalStateException notStarted(Part part) {
        return new IllegalStateException(part + " is not part of this stack; started parts: " + config.parts());
    }

    /** Stops every part (the broker last, after its clients' infrastructure). Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(kafka, schemaRegistry, s3);
    }

    private static void closeAll(AutoCloseable... parts) {
        RuntimeException failure = null;
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not stop " + part, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "DevStack" + config.parts();
    }

    /**
     * What to start and where. Ports of 0 mean any free port. With a data directory the broker's log,
     * the S3 objects and the registry's log live in {@code kafka/}, {@code s3/} and {@code registry/}
     * under it and survive a restart (the registry itself keeps schemas in memory); without one
     * everything is temporary and S3 objects stay in memory.
     */
    public record Config(Path dataDir, Set<Part> parts, int kafkaPort, int kafkaControllerPort, int schemaRegistryPort,
                         int s3Port, String s3AccessKey, String s3SecretKey) {

        public Config {
            if (parts == null || parts.isEmpty()) {
                throw new IllegalArgumentException("parts must name at least one of " + EnumSet.allOf(Part.class));
            }
            parts = Set.copyOf(EnumSet.copyOf(parts));
            FreePorts.checkPort("kafkaPort", kafkaPort);
            FreePorts.checkPort("kafkaControllerPort", kafkaControllerPort);
            FreePorts.checkPort("schemaRegistryPort", schemaRegistryPort);
            FreePorts.checkPort("s3Port", s3Port);
            List<Integer> fixed = new ArrayList<>();
            for (int port : new int[] {kafkaPort, kafkaControllerPort, schemaRegistryPort, s3Port}) {
                if (port != 0) {
                    if (fixed.contains(port)) {
                        throw new IllegalArgumentException("Fixed ports must differ, " + port + " is given twice");
                    }
                    fixed.add(port);
                }
            }
            if ((s3AccessKey == null) != (s3SecretKey == null)) {
                throw new IllegalArgumentException("s3AccessKey and s3SecretKey must be given together or not at all");
            }
        }

        public boolean has(Part part) {
            return parts.contains(part);
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private Path dataDir;
            private Set<Part> parts = EnumSet.allOf(Part.class);
            private int kafkaPort;
            private int kafkaControllerPort;
            private int schemaRegistryPort;
            private int s3Port;
            private String s3AccessKey;
            private String s3SecretKey;

            private Builder() {
            }

            public Builder dataDir(Path dataDir) {
                this.dataDir = dataDir;
                return this;
            }

            public Builder parts(Part... parts) {
                return parts(List.of(parts));
            }

            public Builder parts(Collection<Part> parts) {
                this.parts = parts.isEmpty() ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(parts);
                return this;
            }

            public Builder kafkaPort(int port) {
                this.kafkaPort = port;
                return this;
            }

            public Builder kafkaControllerPort(int port) {
                this.kafkaControllerPort = port;
                return this;
            }

            public Builder schemaRegistryPort(int port) {
                this.schemaRegistryPort = port;
                return this;
            }

            public Builder s3Port(int port) {
                this.s3Port = port;
                return this;
            }

            public Builder s3Credentials(String accessKey, String secretKey) {
                this.s3AccessKey = accessKey;
                this.s3SecretKey = secretKey;
                return this;
            }

            public Config build() {
                return new Config(dataDir, parts, kafkaPort, kafkaControllerPort, schemaRegistryPort, s3Port, s3AccessKey, s3SecretKey);
            }
        }
    }
}
