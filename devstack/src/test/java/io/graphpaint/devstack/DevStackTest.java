package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.graphpaint.devstack.DevStack.Part;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackTest {

    @Test
    void aDataDirKeepsTopicsRecordsAndObjectsAcrossARestartOnFixedPorts(@TempDir Path dataDir) throws Exception {
        int kafkaPort = FreePorts.find();
        int controllerPort = FreePorts.findOtherThan(kafkaPort);
        int s3Port = FreePorts.find();
        DevStack.Config config = DevStack.Config.builder().dataDir(dataDir).parts(Part.KAFKA, Part.S3)
                .kafkaPort(kafkaPort).kafkaControllerPort(controllerPort).s3Port(s3Port)
                .s3Credentials("graphpaint", "graphpaint-secret").build();

        try (DevStack stack = DevStack.start(config)) {
            assertThat(stack.bootstrapServers()).isEqualTo("127.0.0.1:" + kafkaPort);
            assertThat(stack.s3Endpoint()).isEqualTo("http://127.0.0.1:" + s3Port);
            assertThat(stack.startupMillis()).containsOnlyKeys(Part.KAFKA, Part.S3).allSatisfy((part, millis) -> assertThat(millis).isPositive());
            stack.kafka().createTopics(List.of(new NewTopic("kept", 1, (short) 1)));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.send(new ProducerRecord<>("kept", "k", "survives a restart")).get();
            }
            MinioClient s3 = minio(stack);
            s3.makeBucket(MakeBucketArgs.builder().bucket("models").build());
            byte[] weights = "weights".getBytes(StandardCharsets.UTF_8);
            s3.putObject(PutObjectArgs.builder().bucket("models").object("m/1/model.safetensors")
                    .stream(new ByteArrayInputStream(weights), weights.length, -1).build());
        }
        assertThat(dataDir.resolve("kafka")).isDirectory();
        assertThat(Files.readString(dataDir.resolve("s3/models/m/1/model.safetensors"))).isEqualTo("weights");

        try (DevStack restarted = DevStack.start(config)) {
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "restart-check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
                consumer.subscribe(List.of("kept"));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (values.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
                }
            }
            assertThat(values).containsExactly("survives a restart");
            try (var in = minio(restarted).getObject(GetObjectArgs.builder().bucket("models").object("m/1/model.safetensors").build())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
            }
        }
    }

    @Test
    void badConfigurationIsRefusedWithTheFieldAndTheAllowedValues() {
        assertThatThrownBy(() -> DevStack.Config.builder().kafkaPort(70000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafkaPort must be within [0, 65535]");
        assertThatThrownBy(() -> DevStack.Config.builder().parts().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parts must name at least one of");
        assertThatThrownBy(() -> DevStack.Config.builder().kafkaPort(9092).s3Port(9092).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9092 is given twice");
        assertThatThrownBy(() -> DevStack.Config.builder().s3Credentials("only-access", null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given together");
    }

    private static MinioClient minio(DevStack stack) {
        return MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3().accessKey(), stack.s3().secretKey())
                .region(stack.s3().region()).build();
    }
}
