package io.graphpaint.devstack;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The infrastructure contract against production-shaped containers: Apache Kafka (KRaft), Apicurio
 * Registry and MinIO. Runs only with {@code -Pcontainers} and Docker; skipped where there is no Docker.
 * Images can be overridden with {@code -Dgraphpaint.containers.kafka-image=...} (and
 * {@code registry-image}, {@code minio-image}).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersInfrastructureTest extends InfrastructureContract {

    private static final String MINIO_USER = "graphpaint";
    private static final String MINIO_PASSWORD = "graphpaint-secret";

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(image("kafka-image", "apache/kafka:4.4.0"))
            .withEnv("KAFKA_GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS", "500")
            .withEnv("KAFKA_GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS", "500");

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(image("registry-image", "apicurio/apicurio-registry-mem:2.4.2.Final"))
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp(EmbeddedSchemaRegistry.CONFLUENT_API_PATH + "/subjects").forStatusCode(200));

    @Container
    static final MinIOContainer MINIO = new MinIOContainer(image("minio-image", "minio/minio:RELEASE.2025-04-22T22-12-26Z"))
            .withUserName(MINIO_USER)
            .withPassword(MINIO_PASSWORD);

    private static String image(String property, String fallback) {
        return System.getProperty("graphpaint.containers." + property, fallback);
    }

    @Override
    protected String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }

    @Override
    protected String schemaRegistryUrl() {
        return "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8080) + EmbeddedSchemaRegistry.CONFLUENT_API_PATH;
    }

    @Override
    protected String s3Endpoint() {
        return MINIO.getS3URL();
    }

    @Override
    protected String s3AccessKey() {
        return MINIO_USER;
    }

    @Override
    protected String s3SecretKey() {
        return MINIO_PASSWORD;
    }
}
