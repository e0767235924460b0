package io.graphpaint.storage.bench;

import io.graphpaint.devstack.EmbeddedS3;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectStoreConfig;
import io.minio.http.HttpUtils;
import okhttp3.OkHttpClient;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * PUT / GET latency against the embedded S3 server (S3Proxy) on loopback, through graphpaint's
 * HTTP client (TCP_NODELAY) and, as the reference, through the MinIO SDK's default client.
 *
 * <p>Arguments (all optional): {@code --size BYTES} (51200), {@code --warmup N} (50),
 * {@code --measured N} (200), {@code --rounds N} (2; the two clients alternate each round),
 * {@code --data-dir DIR} (objects on disk instead of in memory).
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -B -q -o -pl storage -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp "storage/target/test-classes:storage/target/classes:$(cat storage/target/test-classpath.txt)" \
 *     io.graphpaint.storage.bench.ObjectStoreBench
 * </pre>
 */
public final class ObjectStoreBench {

    private ObjectStoreBench() {
    }

    public static void main(String[] args) {
        int size = 51_200;
        int warmup = 50;
        int measured = 200;
        int rounds = 2;
        Path dataDir = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--measured" -> measured = Integer.parseInt(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--data-dir" -> dataDir = Path.of(value);
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]
                        + "; known: --size, --warmup, --measured, --rounds, --data-dir");
            }
            i++;
        }
        ObjectStoreLatency.Options options = new ObjectStoreLatency.Options(size, warmup, measured);
        EmbeddedS3.Builder builder = EmbeddedS3.builder();
        if (dataDir != null) {
            builder.dataDir(dataDir);
        }
        try (EmbeddedS3 s3 = builder.start()) {
            ObjectStoreConfig config = ObjectStoreConfig.builder()
                    .setEndpoint(s3.endpoint())
                    .setAccessKey(s3.accessKey())
                    .setSecretKey(s3.secretKey())
                    .optRegion(s3.region())
                    .build();
            System.out.printf(Locale.ROOT, "S3 server %s started in %d ms; %d-byte objects, %d warm-up + %d measured"
                    + " requests of each kind, one client thread, %d rounds%n",
                    s3, s3.startupMillis(), size, warmup, measured, rounds);
            ObjectStoreLatency.Result lastNoDelay = null;
            ObjectStoreLatency.Result lastDefault = null;
            for (int round = 1; round <= rounds; round++) {
                try (ObjectStore store = ObjectStore.open(config)) {
                    lastNoDelay = ObjectStoreLatency.run(store, store.buckets().images(), "bench-nodelay-" + round, options);
                }
                print("round " + round + ", graphpaint client (TCP_NODELAY)", lastNoDelay);

                // what MinioClient builds when given no client: Nagle's algorithm left on
                OkHttpClient sdkDefault = HttpUtils.newDefaultHttpClient(
                        TimeUnit.MINUTES.toMillis(5), TimeUnit.MINUTES.toMillis(5), TimeUnit.MINUTES.toMillis(5));
                try (ObjectStore store = ObjectStore.open(config, sdkDefault)) {
                    lastDefault = ObjectStoreLatency.run(store, store.buckets().images(), "bench-default-" + round, options);
                } finally {
                    sdkDefault.dispatcher().executorService().shutdown();
                    sdkDefault.connectionPool().evictAll();
                }
                print("round " + round + ", MinIO SDK default client", lastDefault);
            }
            System.out.printf(Locale.ROOT, "last round, p50 default / TCP_NODELAY: PUT %.1fx, PUT idempotent %.1fx,"
                            + " GET %.1fx%n",
                    lastDefault.put().p50() / lastNoDelay.put().p50(),
                    lastDefault.putIdempotent().p50() / lastNoDelay.putIdempotent().p50(),
                    lastDefault.get().p50() / lastNoDelay.get().p50());
        }
    }

    private static void print(String title, ObjectStoreLatency.Result result) {
        System.out.println(title);
        System.out.println("  " + result.put());
        System.out.println("  " + result.putIdempotent());
        System.out.println("  " + result.get());
    }
}
