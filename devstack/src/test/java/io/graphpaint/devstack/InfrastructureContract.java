package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What graphpaint needs from its infrastructure, checked against whichever implementation a subclass
 * points at: the embedded {@link DevStack} here, real containers under {@code -Pcontainers}.
 */
abstract class InfrastructureContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    protected abstract String bootstrapServers();

    /** The Confluent-compatible API base URL. */
    protected abstract String schemaRegistryUrl();

    protected abstract String s3Endpoint();

    protected abstract String s3AccessKey();

    protected abstract String s3SecretKey();

    protected String s3Region() {
        return EmbeddedS3.DEFAULT_REGION;
    }

    @Test
    void transactionalProduceIsReadCommittedByAConsumerGroup() throws Exception {
        String topic = "contract-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "contract-" + UUID.randomUUID(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "r1", "dropped"));
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(topic, "r" + i, "completed-" + i));
            }
            producer.commitTransaction();
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "contract-" + UUID.randomUUID(),
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 6 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
            }
        }
        assertThat(values).containsExactlyInAnyOrder("completed-0", "completed-1", "completed-2", "completed-3", "completed-4", "completed-5");
    }

    @Test
    void registryServesSchemasByIdAndRefusesBackwardIncompatibleVersions() throws Exception {
        String subject = "contract-" + UUID.randomUUID() + "-value";
        String v1 = "{\"type\":\"record\",\"name\":\"Done\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
        String incompatible = "{\"type\":\"record\",\"name\":\"Done\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"worker\",\"type\":\"string\"}]}";
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> registered = send(http, "POST", schemaRegistryUrl() + "/subjects/" + subject + "/versions", Map.of("schema", v1));
        int id = JSON.readTree(registered.body()).get("id").asInt();
        HttpResponse<String> byId = send(http, "GET", schemaRegistryUrl() + "/schemas/ids/" + id, null);
        assertThat(JSON.readTree(JSON.readTree(byId.body()).get("schema").asText())).isEqualTo(JSON.readTree(v1));
        assertThat(send(http, "PUT", schemaRegistryUrl() + "/config/" + subject, Map.of("compatibility", "BACKWARD")).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = send(http, "POST", schemaRegistryUrl() + "/subjects/" + subject + "/versions", Map.of("schema", incompatible));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    }

    @Test
    void objectStoreRoundTripsBytesAndRefusesAWrongSecret() throws Exception {
        String bucket = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] png = "\u0089PNG fake image bytes".getBytes(StandardCharsets.ISO_8859_1);
        MinioClient client = MinioClient.builder().endpoint(s3Endpoint()).credentials(s3AccessKey(), s3SecretKey()).region(s3Region()).build();
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        client.putObject(PutObjectArgs.builder().bucket(bucket).object("images/r1/0.png")
                .stream(new ByteArrayInputStream(png), png.length, -1).contentType("image/png").build());
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object("images/r1/0.png").build())) {
            assertThat(in.readAllBytes()).isEqualTo(png);
        }
        MinioClient forged = MinioClient.builder().endpoint(s3Endpoint()).credentials(s3AccessKey(), s3SecretKey() + "!").region(s3Region()).build();
        assertThatThrownBy(() -> forged.statObject(StatObjectArgs.builder().bucket(bucket).object("images/r1/0.png").build()))
                .isInstanceOf(ErrorResponseException.class);
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, Map<String, String> body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", CONTENT_TYPE).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
