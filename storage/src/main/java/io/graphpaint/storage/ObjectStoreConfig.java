package io.graphpaint.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach the object store.
 *
 * @param endpoint        base URL of the S3 API, {@code http://host:port} or {@code https://host:port}
 *                        (no path); the scheme must agree with {@code secure}
 * @param accessKey       the access key id
 * @param secretKey       the secret key; never printed by {@link #toString()}
 * @param region          the signing region (S3Proxy and MinIO accept {@code us-east-1}); set so the
 *                        client never has to ask the server for a bucket's location
 * @param buckets         the buckets graphpaint writes to
 * @param secure          true for HTTPS
 * @param trustedCertificates optional PEM file of CA certificates that REPLACES the JVM's trust
 *                        store for this client (for a private CA in front of MinIO); only with HTTPS
 * @param timeouts        connect / read / write timeouts of the HTTP client
 * @param tcpNoDelay      disable Nagle's algorithm on the client's sockets (default true): with it on,
 *                        every PUT on a fast link waits ~40 ms for a delayed ACK
 */
public record ObjectStoreConfig(
        URI endpoint,
        String accessKey,
        String secretKey,
        String region,
        Buckets buckets,
        boolean secure,
        Optional<Path> trustedCertificates,
        Timeouts timeouts,
        boolean tcpNoDelay) {

    public static final String DEFAULT_REGION = "us-east-1";

    /** Environment variable names read by {@link #fromEnvironment(Map)}. */
    public static final String ENV_ENDPOINT = "GRAPHPAINT_S3_ENDPOINT";
    public static final String ENV_ACCESS_KEY = "GRAPHPAINT_S3_ACCESS_KEY";
    public static final String ENV_SECRET_KEY = "GRAPHPAINT_S3_SECRET_KEY";
    public static final String ENV_SECRET_KEY_FILE = "GRAPHPAINT_S3_SECRET_KEY_FILE";
    public static final String ENV_REGION = "GRAPHPAINT_S3_REGION";
    public static final String ENV_TRUSTED_CERTIFICATES = "GRAPHPAINT_S3_TRUSTED_CERTIFICATES";
    public static final String ENV_BUCKET_IMAGES = "GRAPHPAINT_S3_BUCKET_IMAGES";
    public static final String ENV_BUCKET_MODELS = "GRAPHPAINT_S3_BUCKET_MODELS";
    public static final String ENV_BUCKET_DATASETS = "GRAPHPAINT_S3_BUCKET_DATASETS";
    public static final String ENV_CONNECT_TIMEOUT_MS = "GRAPHPAINT_S3_CONNECT_TIMEOUT_MS";
    public static final String ENV_READ_TIMEOUT_MS = "GRAPHPAINT_S3_READ_TIMEOUT_MS";
    public static final String ENV_WRITE_TIMEOUT_MS = "GRAPHPAINT_S3_WRITE_TIMEOUT_MS";

    public ObjectStoreConfig {
        Objects.requireNonNull(endpoint, "endpoint must be set (http://host:port or https://host:port)");
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("Invalid endpoint '" + endpoint + "': scheme must be http or https");
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("Invalid endpoint '" + endpoint + "': no host");
        }
        if (endpoint.getRawPath() != null && !endpoint.getRawPath().isEmpty() && !endpoint.getRawPath().equals("/")) {
            throw new IllegalArgumentException("Invalid endpoint '" + endpoint + "': must not have a path");
        }
        if (secure != "https".equals(scheme)) {
            throw new IllegalArgumentException("Invalid endpoint '" + endpoint + "': scheme " + scheme
                    + " disagrees with secure=" + secure);
        }
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("accessKey must be set and not blank");
        }
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("secretKey must be set and not blank");
        }
        if (region == null || !region.matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("Invalid region " + Ids.quote(region)
                    + ": must match [a-z0-9-]{1,32}, e.g. us-east-1");
        }
        Objects.requireNonNull(buckets, "buckets must be set");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates must be Optional.empty() when unused");
        if (trustedCertificates.isPresent() && !secure) {
            throw new IllegalArgumentException("trustedCertificates is only used with HTTPS (secure=true)");
        }
        Objects.requireNonNull(timeouts, "timeouts must be set");
    }

    /** The bucket for each kind of artifact; checkpoints live in the models bucket. */
    public record Buckets(String images, String models, String datasets) {

        public static final Buckets DEFAULT = new Buckets("graphpaint-images", "graphpaint-models", "graphpaint-datasets");

        public Buckets {
            BucketNames.requireValid("buckets.images", images);
            BucketNames.requireValid("buckets.models", models);
            BucketNames.requireValid("buckets.datasets", datasets);
        }

        /** The distinct bucket names, in declaration order. */
        public List<String> all() {
            return List.copyOf(new java.util.LinkedHashSet<>(List.of(images, models, datasets)));
        }
    }

    /** Timeouts of the HTTP client; each must be positive and at most an hour. */
    public record Timeouts(Duration connect, Duration read, Duration write) {

        public static final Timeouts DEFAULT = new Timeouts(
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60));

        public Timeouts {
            requireTimeout("timeouts.connect", connect);
            requireTimeout("timeouts.read", read);
            requireTimeout("timeouts.write", write);
        }

        private static void requireTimeout(String field, Duration value) {
            if (value == null || value.isNegative() || value.isZero() || value.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("Invalid " + field + " " + value + ": must be within (0, 1h]");
            }
        }
    }

    /** The secret is replaced by {@code ****} so a config can be logged. */
    @Override
    public String toString() {
        return "ObjectStoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=****"
                + ", region=" + region + ", buckets=" + buckets + ", secure=" + secure
                + ", trustedCertificates=" + trustedCertificates.map(Path::toString).orElse("(JVM default)")
                + ", timeouts=" + timeouts + ", tcpNoDelay=" + tcpNoDelay + "]";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy of this config with other credentials (everything else unchanged). */
    public ObjectStoreConfig withCredentials(String newAccessKey, String newSecretKey) {
        return new ObjectStoreConfig(endpoint, newAccessKey, newSecretKey, region, buckets, secure,
                trustedCertificates, timeouts, tcpNoDelay);
    }

    /**
     * Reads the configuration from environment variables ({@code GRAPHPAINT_S3_*}); the secret
     * comes from {@value #ENV_SECRET_KEY} or from the file named by {@value #ENV_SECRET_KEY_FILE}.
     * Every problem found is reported in one exception, not just the first.
     */
    public static ObjectStoreConfig fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Builder builder = builder();
        String endpoint = env.get(ENV_ENDPOINT);
        if (endpoint == null || endpoint.isBlank()) {
            problems.add(ENV_ENDPOINT + " is not set (http://host:port or https://host:port)");
        } else {
            try {
                builder.setEndpoint(new URI(endpoint.trim()));
            } catch (URISyntaxException e) {
                problems.add(ENV_ENDPOINT + " is not a URL: " + e.getMessage());
            }
        }
        String accessKey = env.get(ENV_ACCESS_KEY);
        if (accessKey == null || accessKey.isBlank()) {
            problems.add(ENV_ACCESS_KEY + " is not set");
        } else {
            builder.setAccessKey(accessKey.trim());
        }
        String secret = env.get(ENV_SECRET_KEY);
        String secretFile = env.get(ENV_SECRET_KEY_FILE);
        if (secret != null && !secret.isBlank() && secretFile != null && !secretFile.isBlank()) {
            problems.add("set only one of " + ENV_SECRET_KEY + " and " + ENV_SECRET_KEY_FILE);
        } else if (secret != null && !secret.isBlank()) {
            builder.setSecretKey(secret);
        } else if (secretFile != null && !secretFile.isBlank()) {
            try {
                builder.setSecretKey(Files.readString(Path.of(secretFile.trim()), StandardCharsets.UTF_8).strip());
            } catch (IOException | RuntimeException e) {
                problems.add(ENV_SECRET_KEY_FILE + " names a file that cannot be read: " + e.getMessage());
            }
        } else {
            problems.add("neither " + ENV_SECRET_KEY + " nor " + ENV_SECRET_KEY_FILE + " is set");
        }
        Optional.ofNullable(env.get(ENV_REGION)).filter(s -> !s.isBlank()).ifPresent(s -> builder.optRegion(s.trim()));
        Optional.ofNullable(env.get(ENV_TRUSTED_CERTIFICATES)).filter(s -> !s.isBlank())
                .ifPresent(s -> builder.optTrustedCertificates(Path.of(s.trim())));
        Buckets defaults = Buckets.DEFAULT;
        String images = env.getOrDefault(ENV_BUCKET_IMAGES, defaults.images());
        String models = env.getOrDefault(ENV_BUCKET_MODELS, defaults.models());
        String datasets = env.getOrDefault(ENV_BUCKET_DATASETS, defaults.datasets());
        try {
            builder.optBuckets(new Buckets(images, models, datasets));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        Duration connect = millis(env, ENV_CONNECT_TIMEOUT_MS, Timeouts.DEFAULT.connect(), problems);
        Duration read = millis(env, ENV_READ_TIMEOUT_MS, Timeouts.DEFAULT.read(), problems);
        Duration write = millis(env, ENV_WRITE_TIMEOUT_MS, Timeouts.DEFAULT.write(), problems);
        try {
            builder.optTimeouts(new Timeouts(connect, read, write));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (problems.isEmpty()) {
            try {
                return builder.build();
            } catch (IllegalArgumentException | NullPointerException e) {
                problems.add(e.getMessage());
            }
        }
        throw new IllegalArgumentException("Invalid object store configuration: " + String.join("; ", problems));
    }

    private static Duration millis(Map<String, String> env, String name, Duration fallback, List<String> problems) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            problems.add("Invalid value '" + value + "' for " + name + ": must be a whole number of milliseconds");
            return fallback;
        }
    }

    /** Builder: {@code set*} for required values, {@code opt*} for optional ones. */
    public static final class Builder {
        private URI endpoint;
        private String accessKey;
        private String secretKey;
        private String region = DEFAULT_REGION;
        private Buckets buckets = Buckets.DEFAULT;
        private Path trustedCertificates;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private boolean tcpNoDelay = true;

        private Builder() {
        }

        /** {@code http://host:port} or {@code https://host:port}; HTTPS makes the config secure. */
        public Builder setEndpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder setEndpoint(String endpoint) {
            return setEndpoint(URI.create(endpoint));
        }

        public Builder setAccessKey(String accessKey) {
            this.accessKey = accessKey;
            return this;
        }

        public Builder setSecretKey(String secretKey) {
            this.secretKey = secretKey;
            return this;
        }

        public Builder optRegion(String region) {
            this.region = region;
            return this;
        }

        public Builder optBuckets(Buckets buckets) {
            this.buckets = buckets;
            return this;
        }

        public Builder optTrustedCertificates(Path pemFile) {
            this.trustedCertificates = pemFile;
            return this;
        }

        public Builder optTimeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        public Builder optTcpNoDelay(boolean tcpNoDelay) {
            this.tcpNoDelay = tcpNoDelay;
            return this;
        }

        public ObjectStoreConfig build() {
            Objects.requireNonNull(endpoint, "endpoint must be set (http://host:port or https://host:port)");
            return new ObjectStoreConfig(endpoint, accessKey, secretKey, region, buckets,
                    "https".equals(endpoint.getScheme()), Optional.ofNullable(trustedCertificates),
                    timeouts, tcpNoDelay);
        }
    }
}
