package io.graphpaint.devstack;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3-compatible server (S3Proxy) on 127.0.0.1 that checks AWS signatures (V2 and V4).
 *
 * <p>With a data directory objects are plain files, {@code <dataDir>/<bucket>/<key>}, and survive a
 * restart; without one they live in memory. Object tagging is not implemented by S3Proxy (HTTP 501):
 * keep such data in user metadata.
 */
public final class EmbeddedS3 implements AutoCloseable {

    /** S3Proxy accepts any region in signatures; clients still need one to sign with. */
    public static final String DEFAULT_REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final Path dataDir;
    private final String accessKey;
    private final String secretKey;
    private final String region;
    private final long startupMillis;
    private boolean closed;

    private EmbeddedS3(Builder builder) {
        long started = System.nanoTime();
        QuietLogging.applyIfUnconfigured();
        this.dataDir = builder.dataDir;
        this.accessKey = builder.accessKey != null ? builder.accessKey : randomKey("GP", 10);
        this.secretKey = builder.secretKey != null ? builder.secretKey : randomKey("", 20);
        this.region = builder.region;
        this.blobStore = dataDir != null
                ? new FilesystemNio2BlobStore(DataDirs.create(dataDir).toAbsolutePath().toString())
                : new TransientNio2BlobStore();
        int port = builder.port != 0 ? builder.port : FreePorts.find();
        this.proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            awaitStarted();
        } catch (Exception e) {
            stopQuietly();
            throw new IllegalStateException("S3 server failed to start on 127.0.0.1:" + port, e);
        }
        this.startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An in-memory server on a free port with generated keys. */
    public static EmbeddedS3 start() {
        return builder().start();
    }

    /** Base URL for S3 clients in path-style mode, e.g. {@code http://127.0.0.1:9000}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return proxy.getPort();
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String region() {
        return region;
    }

    /** The directory holding {@code <bucket>/<key>} files, or {@code null} when objects are kept in memory. */
    public Path dataDir() {
        return dataDir;
    }

    public long startupMillis() {
        return startupMillis;
    }

    private void awaitStarted() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not reach STARTED within 10 s, state " + proxy.getState());
            }
            Thread.sleep(5);
        }
    }

    /** Stops the server at once (no drain: stopTimeout 0). Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly();
    }

    private void stopQuietly() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the S3 server on " + endpoint(), e);
        } finally {
            blobStore.close();
        }
    }

    private static String randomKey(String prefix, int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return prefix + HexFormat.of().withUpperCase().formatHex(random);
    }

    @Override
    public String toString() {
        return "EmbeddedS3[" + endpoint() + (dataDir != null ? ", data " + dataDir : ", in memory") + "]";
    }

    public static final class Builder {
        private Path dataDir;
        private int port;
        private String accessKey;
        private String secretKey;
        private String region = DEFAULT_REGION;

        private Builder() {
        }

        /** Stores objects as files under this directory; default: in memory. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** 0 (default) means any free port. */
        public Builder port(int port) {
            this.port = FreePorts.checkPort("port", port);
            return this;
        }

        /** Fixed credentials; default: random ones generated per server. */
        public Builder credentials(String accessKey, String secretKey) {
            if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
                throw new IllegalArgumentException("accessKey and secretKey must both be non-blank");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        public Builder region(String region) {
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("region must be non-blank, e.g. " + DEFAULT_REGION);
            }
            this.region = region;
            return this;
        }

        public EmbeddedS3 start() {
            return new EmbeddedS3(this);
        }
    }
}
