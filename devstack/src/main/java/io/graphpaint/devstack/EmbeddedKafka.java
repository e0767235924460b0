package io.graphpaint.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller, one node) running inside this JVM.
 *
 * <p>Settings are those a single-node cluster needs to behave like production for graphpaint's
 * workers: internal topics with replication factor 1, transactions enabled (exactly-once completion
 * events), no initial rebalance delay, and fast heartbeats for the new consumer group protocol so a
 * group settles in about two seconds instead of ten.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
 *     kafka.createTopics(List.of(new NewTopic("graphpaint.requests", 12, (short) 1)));
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final String LOG_DIR_NAME = "kraft-logs";

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final int port;
    private final int controllerPort;
    private final long startupMillis;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        long started = System.nanoTime();
        QuietLogging.applyIfUnconfigured();
        this.deleteDataDirOnClose = builder.dataDir == null;
        this.dataDir = builder.dataDir != null ? builder.dataDir : DataDirs.createTemp("graphpaint-kafka-");
        this.port = builder.port != 0 ? builder.port : FreePorts.find();
        this.controllerPort = builder.controllerPort != 0 ? builder.controllerPort : FreePorts.findOtherThan(port);
        Map<String, String> properties = brokerProperties(builder.extraProperties);
        formatStorage(properties);
        KafkaConfig config = new KafkaConfig(properties, false);
        this.server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutDownQuietly();
            throw new IllegalStateException("Kafka broker failed to start on 127.0.0.1:" + port
                    + " (controller port " + controllerPort + ", data dir " + dataDir + ")", e);
        }
        this.startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker on free ports with a temporary data directory deleted on close. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /** {@code host:port} for the {@code bootstrap.servers} client setting. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Wall-clock time from formatting storage to a broker ready for clients, in milliseconds. */
    public long startupMillis() {
        return startupMillis;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin createAdmin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(properties);
    }

    /**
     * Creates the topics that do not exist yet (an existing topic is left as it is) and returns once
     * every topic's partitions have a leader, so producers and consumers can use them right away.
     */
    public void createTopics(Collection<NewTopic> topics) {
        Objects.requireNonNull(topics, "topics");
        if (topics.isEmpty()) {
            return;
        }
        try (Admin admin = createAdmin()) {
            Map<String, NewTopic> byName = new LinkedHashMap<>();
            topics.forEach(topic -> byName.put(topic.name(), topic));
            admin.createTopics(byName.values()).values().forEach((name, future) -> {
                try {
                    future.get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while creating topic " + name, e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("Topic " + name + " was not created within " + TOPIC_READY_TIMEOUT, e);
                }
            });
            awaitLeaders(admin, byName.keySet());
        }
    }

    /** Describes the topics until each partition has a leader; metadata reaches the broker after the create call returns. */
    private static void awaitLeaders(Admin admin, Collection<String> topicNames) {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        Throwable lastProblem = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topicNames).allTopicNames()
                        .get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                List<String> withoutLeader = descriptions.values().stream()
                        .filter(description -> description.partitions().isEmpty()
                                || description.partitions().stream().map(TopicPartitionInfo::leader).anyMatch(leader -> leader == null || leader.isEmpty()))
                        .map(TopicDescription::name)
                        .collect(Collectors.toList());
                if (withoutLeader.isEmpty()) {
                    return;
                }
                lastProblem = new IllegalStateException("partitions without a leader in " + withoutLeader);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Could not describe topics " + topicNames + ": " + e.getCause().getMessage(), e.getCause());
                }
                lastProblem = e.getCause();
            } catch (TimeoutException e) {
                lastProblem = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for topics " + topicNames, e);
            }
            sleep(25);
        }
        throw new IllegalStateException("Topics " + topicNames + " were not ready within " + TOPIC_READY_TIMEOUT, lastProblem);
    }

    private Map<String, String> brokerProperties(Map<String, String> extraProperties) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("log.dirs", dataDir.resolve(LOG_DIR_NAME).toString());
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        // Tests and the dev stack want groups to form at once.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.consumer.heartbeat.interval.ms", "500");
        p.put("group.consumer.min.heartbeat.interval.ms", "500");
        p.putAll(extraProperties);
        return p;
    }

    /** Formats the log directory, or keeps an existing one ({@code --ignore-formatted}) so a data dir survives restarts. */
    private void formatStorage(Map<String, String> properties) {
        Path configFile = dataDir.resolve("server.properties");
        Properties asProperties = new Properties();
        asProperties.putAll(properties);
        try (OutputStream out = Files.newOutputStream(configFile)) {
            asProperties.store(out, "graphpaint embedded Kafka broker");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + configFile, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {
                    "format", "-t", clusterId(), "-c", configFile.toString(), "--standalone", "--ignore-formatted"},
                    print);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not format Kafka storage in " + dataDir + ": " + e.getMessage()
                    + "\n" + output.toString(StandardCharsets.UTF_8), e);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("Could not format Kafka storage in " + dataDir + " (exit code " + exitCode + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    /** The id the data dir was formatted with (the format command must repeat it), or a new one for a fresh dir. */
    private String clusterId() {
        Path metaProperties = dataDir.resolve(LOG_DIR_NAME).resolve("meta.properties");
        if (Files.isRegularFile(metaProperties)) {
            Properties meta = new Properties();
            try (var in = Files.newInputStream(metaProperties)) {
                meta.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + metaProperties, e);
            }
            String existing = meta.getProperty("cluster.id");
            if (existing != null && !existing.isBlank()) {
                return existing;
            }
        }
        return Uuid.randomUuid().toString();
    }

    /** Stops the broker and waits for it; deletes the data directory if it was a temporary one. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutDownQuietly();
        if (deleteDataDirOnClose) {
            DataDirs.deleteRecursively(dataDir);
        }
    }

    private void shutDownQuietly() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", data " + dataDir + "]";
    }

    /** Where and how to start the broker. Ports of 0 mean "any free port". */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Keeps logs in this directory (created if missing, reused if already formatted); default: a temporary directory deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder port(int port) {
            this.port = FreePorts.checkPort("port", port);
            return this;
        }

        public Builder controllerPort(int controllerPort) {
            this.controllerPort = FreePorts.checkPort("controllerPort", controllerPort);
            return this;
        }

        /** Any broker setting, applied after graphpaint's defaults. */
        public Builder brokerProperty(String key, String value) {
            extraProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public EmbeddedKafka start() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
            }
            if (dataDir != null) {
                DataDirs.create(dataDir);
            }
            return new EmbeddedKafka(this);
        }
    }
}
