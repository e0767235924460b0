package io.graphpaint.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3Test {

    @Test
    void putGetAndStatRoundTripThroughTheMinioSdkOnDisk(@TempDir Path dataDir) throws Exception {
        byte[] content = new byte[50_000];
        new Random(7).nextBytes(content);
        try (EmbeddedS3 s3 = EmbeddedS3.builder().dataDir(dataDir).start()) {
            MinioClient client = client(s3, s3.secretKey());
            client.makeBucket(MakeBucketArgs.builder().bucket("images").build());
            assertThat(client.bucketExists(BucketExistsArgs.builder().bucket("images").build())).isTrue();
            client.putObject(PutObjectArgs.builder().bucket("images").object("req-1/0.png")
                    .stream(new ByteArrayInputStream(content), content.length, -1)
                    .contentType("image/png").userMetadata(Map.of("seed", "42")).build());

            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket("images").object("req-1/0.png").build());
            assertThat(stat.size()).isEqualTo(content.length);
            assertThat(stat.contentType()).isEqualTo("image/png");
            assertThat(stat.userMetadata()).containsEntry("seed", "42");
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("images").object("req-1/0.png").build())) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            // filesystem-nio2 keeps objects as plain files: <dataDir>/<bucket>/<key>
            assertThat(Files.readAllBytes(dataDir.resolve("images/req-1/0.png"))).isEqualTo(content);
        }
    }

    @Test
    void requestsSignedWithAWrongSecretAreRefused() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start()) {
            MinioClient good = client(s3, s3.secretKey());
            good.makeBucket(MakeBucketArgs.builder().bucket("signed").build());
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            good.putObject(PutObjectArgs.builder().bucket("signed").object("a.txt")
                    .stream(new ByteArrayInputStream(hello), hello.length, -1).build());

            MinioClient forged = client(s3, s3.secretKey() + "x");
            assertThatThrownBy(() -> forged.statObject(StatObjectArgs.builder().bucket("signed").object("a.txt").build()))
                    .isInstanceOf(ErrorResponseException.class)
                    .satisfies(e -> assertThat(((ErrorResponseException) e).response().code()).isEqualTo(403));
            assertThatThrownBy(() -> forged.getObject(GetObjectArgs.builder().bucket("signed").object("a.txt").build()))
                    .isInstanceOf(ErrorResponseException.class)
                    .satisfies(e -> assertThat(((ErrorResponseException) e).errorResponse().code()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void givenCredentialsAndRegionAreUsed() {
        try (EmbeddedS3 s3 = EmbeddedS3.builder().credentials("graphpaint", "graphpaint-secret").region("eu-west-1").start()) {
            assertThat(s3.accessKey()).isEqualTo("graphpaint");
            assertThat(s3.secretKey()).isEqualTo("graphpaint-secret");
            assertThat(s3.region()).isEqualTo("eu-west-1");
            assertThat(s3.endpoint()).isEqualTo("http://127.0.0.1:" + s3.port());
        }
        assertThatThrownBy(() -> EmbeddedS3.builder().credentials("", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accessKey");
    }

    private static MinioClient client(EmbeddedS3 s3, String secret) {
        return MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), secret).region(s3.region()).build();
    }
}
