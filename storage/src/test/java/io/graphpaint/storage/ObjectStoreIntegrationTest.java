package io.graphpaint.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.graphpaint.devstack.EmbeddedS3;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ObjectStore against a real S3 server (S3Proxy, checking signatures) on loopback. */
class ObjectStoreIntegrationTest {

    private static EmbeddedS3 s3;
    private static ObjectStore store;
    private static String images;
    private static String models;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start();
        store = ObjectStore.open(config(s3.secretKey()).build());
        images = store.buckets().images();
        models = store.buckets().models();
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static ObjectStoreConfig.Builder config(String secretKey) {
        return ObjectStoreConfig.builder()
                .setEndpoint(s3.endpoint())
                .setAccessKey(s3.accessKey())
                .setSecretKey(secretKey)
                .optRegion(s3.region());
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void bucketsAreMadeAtStartAndOpeningAgainIsHarmless() {
        try (ObjectStore again = ObjectStore.open(config(s3.secretKey()).build())) {
            again.ensureBuckets();
            for (String bucket : again.buckets().all()) {
                assertThat(again.list(bucket, "no-such-prefix/")).isEmpty();
            }
        }
    }

    @Test
    void roundTripKeepsBytesAndMetadataListsByPrefixAndDeletes(@TempDir Path temp) {
        byte[] first = randomBytes(50_000, 1);
        byte[] second = randomBytes(123, 2);
        String key0 = ObjectKeys.image("round-trip", 0);
        String key1 = ObjectKeys.image("round-trip", 1);
        StoredObject stored = store.put(images, key0, first, "image/png", Map.of("seed", "42", "model-version", "v3"));
        store.put(images, key1, second, "image/png", Map.of());
        store.put(images, ObjectKeys.image("round-trip-other", 0), second, "image/png", Map.of());

        assertThat(stored.sha256()).isEqualTo(Sha256.hex(first));
        assertThat(store.get(images, key0)).isEqualTo(first);
        ObjectInfo info = store.stat(images, key0);
        assertThat(info.size()).isEqualTo(50_000);
        assertThat(info.contentType()).isEqualTo("image/png");
        assertThat(info.userMetadata()).isEqualTo(Map.of("seed", "42", "model-version", "v3"));
        assertThat(info.sha256()).contains(Sha256.hex(first));
        assertThat(info.etag()).isEqualTo(stored.etag()).doesNotContain("\"");

        // the prefix ends in '/', so round-trip-other is not listed
        assertThat(store.list(images, ObjectKeys.imagesPrefix("round-trip")))
                .extracting(ObjectSummary::key, ObjectSummary::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(key0, 50_000L),
                        org.assertj.core.groups.Tuple.tuple(key1, 123L));

        Path file = temp.resolve("nested/dir/0.png");
        ObjectInfo fetched = store.getToFile(images, key0, file);
        assertThat(fetched).isEqualTo(info);
        assertThat(file).hasBinaryContent(first);
        assertThat(file.getParent()).isDirectoryNotContaining("glob:**.part");

        store.delete(images, key0);
        assertThat(store.exists(images, key0)).isFalse();
        assertThat(store.list(images, ObjectKeys.imagesPrefix("round-trip"))).extracting(ObjectSummary::key)
                .containsExactly(key1);
        assertThatThrownBy(() -> store.get(images, key0))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("bucket '" + images + "'")
                .hasMessageContaining(key0)
                .satisfies(e -> {
                    StorageException se = (StorageException) e;
                    assertThat(se.isNotFound()).isTrue();
                    assertThat(se.httpStatus()).isEqualTo(404);
                    assertThat(se.isRetriable()).isFalse();
                });
    }

    @Test
    void presignedUrlServesTheBytesOverPlainHttpAndTamperedUrlsAreRefused() throws Exception {
        byte[] content = randomBytes(50_000, 3);
        store.put(images, ObjectKeys.image("presigned", 0), content, "image/png", Map.of());
        store.put(images, ObjectKeys.image("presigned", 1), randomBytes(10, 4), "image/png", Map.of());
        URI url = store.presignedGetUrl(images, ObjectKeys.image("presigned", 0), Duration.ofMinutes(5));
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(content);

        String text = url.toString();
        int signatureAt = text.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        char last = text.charAt(signatureAt);
        String badSignature = text.substring(0, signatureAt) + (last == 'a' ? 'b' : 'a') + text.substring(signatureAt + 1);
        // the other key exists, so a 403 is the signature check, not a missing object
        String otherKey = text.replace("/presigned/0.png", "/presigned/1.png");
        assertThat(otherKey).isNotEqualTo(text);
        for (String tampered : List.of(badSignature, otherKey)) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(tampered)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(tampered).isEqualTo(403);
            assertThat(refused.body()).doesNotContain(new String(content, StandardCharsets.ISO_8859_1));
        }
        assertThatThrownBy(() -> store.presignedGetUrl(images, "k", Duration.ofDays(8)))
                .hasMessageContaining("within [1s, 7d]");
    }

    @Test
    void repeatingAnIdempotentPutIsHarmlessAndDifferentContentIsRefused() {
        String key = ObjectKeys.image("idempotent", 0);
        byte[] content = randomBytes(50_000, 5);
        PutResult first = store.putIdempotent(images, key, content, "image/png", Map.of("seed", "1"));
        PutResult again = store.putIdempotent(images, key, content.clone(), "image/png", Map.of("seed", "1"));
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.object().sha256()).isEqualTo(first.object().sha256());
        assertThat(again.object().etag()).isEqualTo(first.object().etag());
        assertThat(store.list(images, ObjectKeys.imagesPrefix("idempotent"))).hasSize(1);

        byte[] different = randomBytes(50_000, 6);
        assertThatThrownBy(() -> store.putIdempotent(images, key, different, "image/png", Map.of("seed", "1")))
                .isInstanceOf(ObjectConflictException.class)
                .hasMessageContaining("bucket '" + images + "', key '" + key + "'")
                .hasMessageContaining("already exists with different content")
                .hasMessageContaining(Sha256.hex(content))
                .hasMessageContaining(Sha256.hex(different))
                .satisfies(e -> assertThat(((StorageException) e).isRetriable()).isFalse());
        // the first content is untouched
        assertThat(store.get(images, key)).isEqualTo(content);
    }

    @Test
    void racingWritersOfOneKeyEitherWriteOrAreToldOfTheConflict() throws Exception {
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            // same content from every writer: all succeed
            String same = ObjectKeys.image("race-same", 0);
            byte[] content = randomBytes(20_000, 10);
            List<Future<PutResult>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                results.add(pool.submit(() -> store.putIdempotent(images, same, content, "image/png", Map.of())));
            }
            int created = 0;
            for (Future<PutResult> result : results) {
                created += result.get().created() ? 1 : 0;
            }
            // S3Proxy checks If-None-Match before it reads the body, not atomically with the write, so
            // more than one writer may see "created"; with identical content that is harmless
            assertThat(created).isBetween(1, writers);
            assertThat(store.get(images, same)).isEqualTo(content);

            // different content from every writer: each one either wrote or was told of the conflict,
            // and what is stored is what a writer that reported success wrote
            String contested = ObjectKeys.image("race-different", 0);
            List<Future<PutResult>> contenders = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] mine = randomBytes(20_000, 100 + i);
                contenders.add(pool.submit(() -> store.putIdempotent(images, contested, mine, "image/png", Map.of())));
            }
            List<String> winners = new ArrayList<>();
            int conflicts = 0;
            for (Future<PutResult> contender : contenders) {
                try {
                    winners.add(contender.get().object().sha256());
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ObjectConflictException.class);
                    conflicts++;
                }
            }
            assertThat(winners).isNotEmpty();
            assertThat(winners.size() + conflicts).isEqualTo(writers);
            assertThat(winners).contains(Sha256.hex(store.get(images, contested)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idempotentPutComparesBytesOfObjectsWrittenByOtherTools() throws Exception {
        MinioClient raw = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region()).build();
        byte[] content = "written elsewhere".getBytes(StandardCharsets.UTF_8);
        String key = ObjectKeys.datasetFile("foreign", "v1", "notes.txt");
        raw.putObject(PutObjectArgs.builder().bucket(models).object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1).build());

        assertThat(store.putIdempotent(models, key, content, "text/plain", Map.of()).created()).isFalse();
        byte[] sameSize = "written ELSEWHERE".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.putIdempotent(models, key, sameSize, "text/plain", Map.of()))
                .isInstanceOf(ObjectConflictException.class)
                .satisfies(e -> assertThat(((ObjectConflictException) e).existingSha256()).isEqualTo(Sha256.hex(content)));
    }

    @Test
    void theServerRefusesAConditionalPutOverAnExistingKey() {
        // the race guard of putIdempotent: If-None-Match: * makes the server refuse a second writer
        MinioClient raw = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region()).build();
        String key = ObjectKeys.image("conditional", 0);
        store.put(images, key, new byte[] {1}, "image/png", Map.of());
        assertThatThrownBy(() -> raw.putObject(PutObjectArgs.builder().bucket(images).object(key)
                .stream(new ByteArrayInputStream(new byte[] {2}), 1, -1)
                .headers(Map.of("If-None-Match", "*")).build()))
                .isInstanceOf(ErrorResponseException.class)
                .satisfies(e -> assertThat(((ErrorResponseException) e).response().code()).isEqualTo(412));
        assertThat(store.get(images, key)).containsExactly(1);
    }

    @Test
    void damagedContentIsDetectedOnRead() throws Exception {
        MinioClient raw = MinioClient.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region()).build();
        String key = ObjectKeys.image("damaged", 0);
        raw.putObject(PutObjectArgs.builder().bucket(images).object(key)
                .stream(new ByteArrayInputStream(new byte[] {1, 2, 3}), 3, -1)
                .userMetadata(Map.of(ObjectStore.SHA256_METADATA, Sha256.hex(new byte[] {1, 2, 4}))).build());
        assertThatThrownBy(() -> store.get(images, key))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("does not match the stored sha256");
    }

    @Test
    void badRequestIdsAreRefusedBeforeTheyBecomeKeys() {
        byte[] png = randomBytes(10, 7);
        for (String requestId : new String[] {"../x", "a/b", "..", "", "r".repeat(129)}) {
            assertThatThrownBy(() -> store.putIdempotent(images, ObjectKeys.image(requestId, 0), png, "image/png", Map.of()))
                    .as(requestId)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid requestId")
                    .hasMessageContaining(Ids.RULE);
        }
        // nothing reached the bucket outside the images/ layout
        assertThat(store.list(images, "")).extracting(ObjectSummary::key).allMatch(k -> k.startsWith("images/"));
        assertThat(store.list(images, "x")).isEmpty();
    }

    @Test
    void aWrongSecretKeyFailsAtStartNamingTheBucket() {
        assertThatThrownBy(() -> ObjectStore.open(config(s3.secretKey() + "-wrong").build()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("makeBucket failed for bucket '" + images + "'")
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("check the access key, the secret key")
                .hasMessageNotContaining(s3.secretKey())
                .satisfies(e -> {
                    StorageException se = (StorageException) e;
                    assertThat(se.bucket()).isEqualTo(images);
                    assertThat(se.httpStatus()).isEqualTo(403);
                    assertThat(se.isRetriable()).isFalse();
                });
    }

    @Test
    void anUnreachableServerIsRetriable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ObjectStoreConfig unreachable = config(s3.secretKey()).setEndpoint("http://127.0.0.1:" + closedPort)
                .optTimeouts(new ObjectStoreConfig.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .build();
        assertThatThrownBy(() -> ObjectStore.open(unreachable))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("bucket '" + images + "'")
                .hasMessageContaining("cannot connect")
                .satisfies(e -> assertThat(((StorageException) e).isRetriable()).isTrue());
    }

    @Test
    void directoriesRoundTripAndRepeatedUploadsAreHarmless(@TempDir Path temp) throws Exception {
        Path source = temp.resolve("v1");
        Files.createDirectories(source.resolve("weights"));
        Files.writeString(source.resolve("model.json"), "{\"name\":\"sg\"}");
        Files.write(source.resolve("weights/unet.safetensors"), randomBytes(70_000, 8));
        Files.write(source.resolve("weights/graph.safetensors"), randomBytes(1_000, 9));
        String prefix = ObjectKeys.modelVersionPrefix("sg", "v1");
        DirectoryTransfer transfer = new DirectoryTransfer(store);

        List<PutResult> uploaded = transfer.upload(source, models, prefix);
        assertThat(uploaded).extracting(r -> r.object().key()).containsExactly(
                prefix + "model.json", prefix + "weights/graph.safetensors", prefix + "weights/unet.safetensors");
        assertThat(uploaded).allMatch(PutResult::created);
        assertThat(store.stat(models, prefix + "model.json").contentType()).isEqualTo("application/json");
        assertThat(transfer.upload(source, models, prefix)).noneMatch(PutResult::created);

        // a zero-byte "folder" marker, as web consoles create, is not a file to download
        store.put(models, prefix + "weights/", new byte[0], "application/x-directory", Map.of());
        assertThat(store.list(models, prefix)).extracting(ObjectSummary::key).contains(prefix + "weights/");
        Path target = temp.resolve("downloaded");
        List<Path> files = transfer.download(models, prefix, target);
        assertThat(files).hasSize(3);
        for (String relative : List.of("model.json", "weights/unet.safetensors", "weights/graph.safetensors")) {
            assertThat(Files.readAllBytes(target.resolve(relative))).as(relative)
                    .isEqualTo(Files.readAllBytes(source.resolve(relative)));
        }

        // a changed file under a published version is refused, the stored one kept
        Files.writeString(source.resolve("model.json"), "{\"name\":\"changed\"}");
        assertThatThrownBy(() -> transfer.upload(source, models, prefix)).isInstanceOf(ObjectConflictException.class);
        assertThat(store.get(models, prefix + "model.json")).asString().isEqualTo("{\"name\":\"sg\"}");
    }

    @Test
    void downloadRefusesKeysThatAreNotSafeRelativePaths(@TempDir Path temp) {
        String prefix = ObjectKeys.datasetVersionPrefix("hostile", "v1");
        store.put(models, prefix + "ok.json", "{}".getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
        store.put(models, prefix + "..\\..\\evil.sh", "x".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
        Path target = temp.resolve("dataset");
        assertThatThrownBy(() -> new DirectoryTransfer(store).download(models, prefix, target))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("refusing to download a key that is not a safe relative path")
                .hasMessageContaining("evil.sh");
        // checked before anything was written
        assertThat(target.resolve("ok.json")).doesNotExist();
    }

    @Test
    void downloadDoesNotWriteThroughALinkPlantedInTheTarget(@TempDir Path temp) throws Exception {
        String prefix = ObjectKeys.datasetVersionPrefix("planted", "v1");
        store.put(models, prefix + "shards/0.bin", new byte[] {1, 2, 3}, null, Map.of());
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Path target = Files.createDirectories(temp.resolve("dataset"));
        Files.createSymbolicLink(target.resolve("shards"), outside);
        assertThatThrownBy(() -> new DirectoryTransfer(store).download(models, prefix, target))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("through a symbolic link");
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void uploadRefusesSymbolicLinks(@TempDir Path temp) throws Exception {
        Path source = temp.resolve("dir");
        Files.createDirectories(source);
        Path outside = Files.writeString(temp.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(source.resolve("link.txt"), outside);
        assertThatThrownBy(() -> new DirectoryTransfer(store).upload(source, models,
                ObjectKeys.modelVersionPrefix("links", "v1")))
                .hasMessageContaining("Refusing to upload symbolic link");
        assertThat(store.list(models, ObjectKeys.modelPrefix("links"))).isEmpty();
    }
}
