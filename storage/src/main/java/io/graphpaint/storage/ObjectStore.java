package io.graphpaint.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.Item;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * graphpaint's object store: S3 (MinIO in production) through the MinIO Java SDK.
 *
 * <p>Every object written here carries the hex sha256 of its content as the user metadata entry
 * {@value #SHA256_METADATA}; reads verify it when present.
 *
 * <p><b>Idempotent puts.</b> graphpaint's keys are deterministic (an image key comes from the
 * request id, a model file from the model version), and work is processed at least once, so the
 * same write may be repeated. {@link #putIdempotent} makes a repeat harmless and refuses to
 * replace different content:
 * <ul>
 *   <li>no object under the key: it is written with {@code If-None-Match: *}, so that a server
 *       checking that condition atomically with the write (AWS S3 does) refuses a racing second
 *       writer, which is then compared as below;</li>
 *   <li>an object with the same sha256 (from its metadata, or hashed from its bytes when it has
 *       no such entry): nothing is written, the call succeeds with {@code created = false};</li>
 *   <li>an object with different content: {@link ObjectConflictException}, and the stored object
 *       is left as it was.</li>
 * </ul>
 * Only the content is compared: content type and user metadata of the first write win. A server
 * that answers the conditional write with 501 gets an unconditional one (logged); against such a
 * server two racing writers of different content under one key can both succeed (the last one
 * wins). graphpaint never does that by design, since only the owner of a request id or model
 * version writes its keys.
 *
 * <p>{@link #put} overwrites unconditionally, as S3 does.
 *
 * <p>Failures are {@link StorageException}s naming the operation, bucket and key and saying
 * whether a retry may help; invalid arguments (bucket names, keys, metadata) are
 * {@link IllegalArgumentException}s raised before any request. An instance is safe to share
 * between threads; close it to release the HTTP client it built.
 */
public final class ObjectStore implements AutoCloseable {

    /** The user metadata entry holding the hex sha256 of an object's content. */
    public static final String SHA256_METADATA = "sha256";

    /** S3 limits all user metadata of an object to 2 KB. */
    public static final int MAX_USER_METADATA_BYTES = 2048;

    /** Presigned URLs live between one second and seven days (the S3 signature V4 maximum). */
    public static final Duration MAX_PRESIGN_EXPIRY = Duration.ofDays(7);

    private static final Pattern METADATA_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

    private final ObjectStoreConfig config;
    private final MinioClient client;
    private final OkHttpClient httpClient;
    private final boolean ownsHttpClient;

    private ObjectStore(ObjectStoreConfig config, OkHttpClient httpClient, boolean ownsHttpClient) {
        this.config = config;
        this.httpClient = httpClient;
        this.ownsHttpClient = ownsHttpClient;
        this.client = MinioClient.builder()
                .endpoint(config.endpoint().toString())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region())
                .httpClient(httpClient)
                .build();
    }

    /**
     * Connects with an HTTP client built from the config ({@link HttpClients#forConfig}) and makes
     * the configured buckets if they are missing.
     *
     * @throws StorageException when a bucket cannot be checked or made (naming the bucket)
     */
    public static ObjectStore open(ObjectStoreConfig config) {
        return open(config, HttpClients.forConfig(config), true);
    }

    /**
     * Connects through the given HTTP client, which stays the caller's to shut down; the
     * config's timeouts, trust and TCP settings are then those of that client.
     */
    public static ObjectStore open(ObjectStoreConfig config, OkHttpClient httpClient) {
        return open(config, httpClient, false);
    }

    private static ObjectStore open(ObjectStoreConfig config, OkHttpClient httpClient, boolean owns) {
        ObjectStore store = new ObjectStore(config, httpClient, owns);
        try {
            store.ensureBuckets();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public ObjectStoreConfig config() {
        return config;
    }

    public ObjectStoreConfig.Buckets buckets() {
        return config.buckets();
    }

    /** Makes every configured bucket that does not exist yet; safe to call any number of times. */
    public void ensureBuckets() {
        for (String bucket : config.buckets().all()) {
            ensureBucket(bucket);
        }
    }

    /** Makes {@code bucket} if it does not exist yet. */
    public void ensureBucket(String bucket) {
        BucketNames.requireValid("bucket", bucket);
        try {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return;
            }
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(config.region()).build());
            LOG.info("Created bucket {} at {}", bucket, config.endpoint());
        } catch (ErrorResponseException e) {
            String code = e.errorResponse() == null ? null : e.errorResponse().code();
            // another process made it between our check and our request
            if ("BucketAlreadyOwnedByYou".equals(code)) {
                return;
            }
            throw StorageException.wrap("makeBucket", bucket, null, e);
        } catch (Exception e) {
            throw StorageException.wrap("makeBucket", bucket, null, e);
        }
    }

    /**
     * Writes {@code content} under {@code key}, replacing any object there.
     *
     * @param userMetadata entries stored as {@code x-amz-meta-*}: keys of lower-case letters, digits and
     *                     {@code -}; values printable ASCII; at most 2 KB in all; {@code sha256} is reserved
     */
    public StoredObject put(String bucket, String key, byte[] content, String contentType,
                            Map<String, String> userMetadata) {
        return write("put", bucket, key, Payload.of(content), contentType, userMetadata, false);
    }

    /** Like {@link #put(String, String, byte[], String, Map)}, streaming a file's content. */
    public StoredObject putFile(String bucket, String key, Path file, String contentType,
                                Map<String, String> userMetadata) {
        return write("put", bucket, key, Payload.of(bucket, key, file), contentType, userMetadata, false);
    }

    /**
     * Writes {@code content} under {@code key} unless it is already there; see the class comment.
     *
     * @throws ObjectConflictException when different content is stored under the key
     */
    public PutResult putIdempotent(String bucket, String key, byte[] content, String contentType,
                                   Map<String, String> userMetadata) {
        return writeIdempotent(bucket, key, Payload.of(content), contentType, userMetadata);
    }

    /** Like {@link #putIdempotent(String, String, byte[], String, Map)}, streaming a file's content. */
    public PutResult putFileIdempotent(String bucket, String key, Path file, String contentType,
                                       Map<String, String> userMetadata) {
        return writeIdempotent(bucket, key, Payload.of(bucket, key, file), contentType, userMetadata);
    }

    private PutResult writeIdempotent(String bucket, String key, Payload payload, String contentType,
                                      Map<String, String> userMetadata) {
        // bad arguments fail the same way whether or not the object is already there
        requireObjectAddress(bucket, key);
        checkUserMetadata(userMetadata);
        Optional<PutResult> existing = compareExisting(bucket, key, payload);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return new PutResult(write("putIdempotent", bucket, key, payload, contentType, userMetadata, true), true);
        } catch (StorageException e) {
            // 412: someone wrote the key after our check; compare with what they wrote
            if (e.httpStatus() == 412 || "PreconditionFailed".equals(e.errorCode().orElse(null))) {
                return compareExisting(bucket, key, payload).orElseThrow(() -> e);
            }
            // a server without conditional writes: the check above is all the protection there is
            if (e.httpStatus() == 501) {
                LOG.warn("{} does not support conditional writes (If-None-Match); writing {}/{} unconditionally",
                        config.endpoint(), bucket, key);
                return new PutResult(write("putIdempotent", bucket, key, payload, contentType, userMetadata, false), true);
            }
            throw e;
        }
    }

    /** Empty when nothing is stored; the unchanged object when the same content is; else a conflict. */
    private Optional<PutResult> compareExisting(String bucket, String key, Payload payload) {
        Optional<ObjectInfo> found = find(bucket, key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ObjectInfo info = found.get();
        String storedSha256 = info.sha256().orElse(null);
        if (storedSha256 == null && info.size() == payload.size()) {
            // written by another tool: hash what is there
            storedSha256 = hashStored(bucket, key);
        }
        if (info.size() == payload.size() && payload.sha256().equalsIgnoreCase(storedSha256)) {
            return Optional.of(new PutResult(
                    new StoredObject(bucket, key, info.size(), payload.sha256(), info.etag()), false));
        }
        throw new ObjectConflictException(bucket, key, storedSha256, info.size(), payload.sha256(), payload.size());
    }

    private String hashStored(String bucket, String key) {
        try (InputStream in = openRaw(bucket, key)) {
            MessageDigest digest = Sha256.newDigest();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw StorageException.wrap("get", bucket, key, e);
        }
    }

    private StoredObject write(String operation, String bucket, String key, Payload payload, String contentType,
                               Map<String, String> userMetadata, boolean ifNoneMatch) {
        requireObjectAddress(bucket, key);
        Map<String, String> metadata = checkUserMetadata(userMetadata);
        metadata.put(SHA256_METADATA, payload.sha256());
        String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        try (InputStream in = payload.open()) {
            PutObjectArgs.Builder args = PutObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .stream(in, payload.size(), -1)
                    .contentType(type)
                    .userMetadata(metadata);
            if (ifNoneMatch) {
                args.headers(Map.of("If-None-Match", "*"));
            }
            ObjectWriteResponse response = client.putObject(args.build());
            return new StoredObject(bucket, key, payload.size(), payload.sha256(), unquote(response.etag()));
        } catch (Exception e) {
            throw StorageException.wrap(operation, bucket, key, e);
        }
    }

    /**
     * Reads a whole object into memory, checking its sha256 when it carries one.
     *
     * @throws StorageException with {@link StorageException#isNotFound()} when absent
     */
    public byte[] get(String bucket, String key) {
        requireObjectAddress(bucket, key);
        try (GetObjectResponse response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            byte[] bytes = response.readAllBytes();
            String expected = response.headers().get("x-amz-meta-" + SHA256_METADATA);
            if (expected != null) {
                verifySha256(bucket, key, expected, Sha256.hex(bytes));
            }
            return bytes;
        } catch (Exception e) {
            throw StorageException.wrap("get", bucket, key, e);
        }
    }

    /**
     * Streams an object into {@code target} (through a temporary file beside it, moved into place
     * only after the sha256 check passed), creating parent directories as needed.
     */
    public ObjectInfo getToFile(String bucket, String key, Path target) {
        requireObjectAddress(bucket, key);
        Path parent = target.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(parent);
            temporary = Files.createTempFile(parent, ".download-", ".part");
            ObjectInfo info;
            try (GetObjectResponse response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
                 DigestInputStream in = new DigestInputStream(response, Sha256.newDigest());
                 OutputStream out = Files.newOutputStream(temporary)) {
                in.transferTo(out);
                // a GET answers with the same headers as a HEAD: no second request needed
                info = toInfo(bucket, key, new StatObjectResponse(response.headers(), bucket, config.region(), key));
                String actual = HexFormat.of().formatHex(in.getMessageDigest().digest());
                if (info.sha256().isPresent()) {
                    verifySha256(bucket, key, info.sha256().get(), actual);
                }
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temporary = null;
            return info;
        } catch (Exception e) {
            throw StorageException.wrap("get", bucket, key, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // best effort: the original failure is what matters
                }
            }
        }
    }

    private InputStream openRaw(String bucket, String key) {
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw StorageException.wrap("get", bucket, key, e);
        }
    }

    private static void verifySha256(String bucket, String key, String expected, String actual) {
        if (!expected.equalsIgnoreCase(actual)) {
            // the bytes were damaged on the way (or the object was replaced mid-read): reading again may help
            throw new StorageException("get", bucket, key, 0, null, true,
                    "content sha256 " + actual + " does not match the stored sha256 " + expected, null);
        }
    }

    /**
     * Size, ETag, content type and metadata of an object.
     *
     * @throws StorageException with {@link StorageException#isNotFound()} when absent
     */
    public ObjectInfo stat(String bucket, String key) {
        requireObjectAddress(bucket, key);
        try {
            return toInfo(bucket, key, client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
        } catch (Exception e) {
            throw StorageException.wrap("stat", bucket, key, e);
        }
    }

    private static ObjectInfo toInfo(String bucket, String key, StatObjectResponse response) {
        Map<String, String> metadata = new LinkedHashMap<>();
        response.userMetadata().forEach((k, v) -> metadata.put(k.toLowerCase(Locale.ROOT), v));
        String sha256 = metadata.remove(SHA256_METADATA);
        Instant lastModified = response.lastModified() == null ? null : response.lastModified().toInstant();
        return new ObjectInfo(bucket, key, response.size(), unquote(response.etag()), response.contentType(),
                metadata, Optional.ofNullable(sha256), lastModified);
    }

    /** {@link #stat}, or empty when there is no such object. */
    public Optional<ObjectInfo> find(String bucket, String key) {
        try {
            return Optional.of(stat(bucket, key));
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public boolean exists(String bucket, String key) {
        return find(bucket, key).isPresent();
    }

    /** Every object whose key starts with {@code prefix} (all levels), in key order. */
    public List<ObjectSummary> list(String bucket, String prefix) {
        BucketNames.requireValid("bucket", bucket);
        if (prefix == null) {
            throw new IllegalArgumentException("prefix must not be null (use \"\" for the whole bucket)");
        }
        List<ObjectSummary> summaries = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(
                    ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
                Item item = result.get();
                if (item.isDir()) {
                    continue;
                }
                Instant lastModified = item.lastModified() == null ? null : item.lastModified().toInstant();
                summaries.add(new ObjectSummary(bucket, item.objectName(), item.size(), unquote(item.etag()),
                        lastModified));
            }
            return summaries;
        } catch (Exception e) {
            throw StorageException.wrap("list", bucket, prefix, e);
        }
    }

    /** Removes an object; removing one that does not exist succeeds, as in S3. */
    public void delete(String bucket, String key) {
        requireObjectAddress(bucket, key);
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw StorageException.wrap("delete", bucket, key, e);
        }
    }

    /**
     * A URL anyone can GET the object with until {@code expiry} has passed, signed locally with
     * this store's credentials (no request is made). Whole seconds, from 1 s to 7 days.
     */
    public URI presignedGetUrl(String bucket, String key, Duration expiry) {
        requireObjectAddress(bucket, key);
        if (expiry == null || expiry.getSeconds() < 1 || expiry.compareTo(MAX_PRESIGN_EXPIRY) > 0) {
            throw new IllegalArgumentException("Invalid presigned URL expiry " + expiry + ": must be within [1s, 7d]");
        }
        try {
            return URI.create(client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(bucket)
                    .object(key)
                    .expiry((int) expiry.getSeconds(), TimeUnit.SECONDS)
                    .build()));
        } catch (Exception e) {
            throw StorageException.wrap("presignGet", bucket, key, e);
        }
    }

    /** Shuts down the HTTP client's threads and connections if this store built the client. */
    @Override
    public void close() {
        if (ownsHttpClient) {
            httpClient.dispatcher().executorService().shutdown();
            httpClient.connectionPool().evictAll();
        }
    }

    @Override
    public String toString() {
        return "ObjectStore[" + config.endpoint() + ", buckets=" + config.buckets() + "]";
    }

    private static void requireObjectAddress(String bucket, String key) {
        BucketNames.requireValid("bucket", bucket);
        S3Uri.requireValidKey(key);
    }

    private static Map<String, String> checkUserMetadata(Map<String, String> userMetadata) {
        Map<String, String> checked = new LinkedHashMap<>();
        if (userMetadata == null) {
            return checked;
        }
        int bytes = 0;
        for (Map.Entry<String, String> entry : userMetadata.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (key == null || !METADATA_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("Invalid user metadata key " + Ids.quote(key)
                        + ": must match [a-z0-9][a-z0-9-]{0,127}");
            }
            if (key.equals(SHA256_METADATA)) {
                throw new IllegalArgumentException("User metadata key '" + SHA256_METADATA
                        + "' is reserved: the store writes the content's sha256 there itself");
            }
            if (value == null || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("Invalid user metadata value for '" + key + "' " + Ids.quote(value)
                        + ": must be printable ASCII (encode other text, e.g. as Base64 or percent-encoding)");
            }
            bytes += key.length() + value.length();
            checked.put(key, value);
        }
        // the sha256 entry adds 6 + 64 bytes
        if (bytes + 70 > MAX_USER_METADATA_BYTES) {
            throw new IllegalArgumentException("User metadata is " + bytes + " bytes; at most "
                    + (MAX_USER_METADATA_BYTES - 70) + " allowed (S3 allows 2 KB, of which the sha256 entry uses 70)");
        }
        return checked;
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    /** Content to write: its size and sha256 known before the request, re-openable for the upload. */
    private record Payload(long size, String sha256, StreamOpener opener) {

        interface StreamOpener {
            InputStream open() throws IOException;
        }

        InputStream open() throws IOException {
            return opener.open();
        }

        static Payload of(byte[] content) {
            if (content == null) {
                throw new IllegalArgumentException("content must not be null");
            }
            return new Payload(content.length, Sha256.hex(content),
                    () -> new ByteArrayInputStream(content));
        }

        static Payload of(String bucket, String key, Path file) {
            if (file == null || !Files.isRegularFile(file)) {
                throw new IllegalArgumentException("Cannot upload " + file + " to " + bucket + "/" + key
                        + ": not a regular file");
            }
            try {
                return new Payload(Files.size(file), Sha256.hexOfFile(file), () -> Files.newInputStream(file));
            } catch (IOException e) {
                throw new StorageException("put", bucket, key, 0, null, false,
                        "cannot read local file " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
