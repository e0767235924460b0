package io.graphpaint.storage.bench;

import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.ObjectStore;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures single-client latency of PUT, idempotent PUT (HEAD + PUT) and GET against any
 * {@link ObjectStore}, one request at a time, so the figures are per-request latencies.
 */
public final class ObjectStoreLatency {

    /**
     * @param objectBytes size of each object
     * @param warmup      requests of each kind before measuring (JIT, connection pool)
     * @param measured    requests of each kind measured
     */
    public record Options(int objectBytes, int warmup, int measured) {
        public Options {
            if (objectBytes < 1 || objectBytes > 64 << 20) {
                throw new IllegalArgumentException("objectBytes " + objectBytes + " must be within [1, 64 MiB]");
            }
            if (warmup < 0 || warmup > 100_000) {
                throw new IllegalArgumentException("warmup " + warmup + " must be within [0, 100000]");
            }
            if (measured < 1 || measured > 100_000) {
                throw new IllegalArgumentException("measured " + measured + " must be within [1, 100000]");
            }
        }
    }

    /** Latency summary of one kind of request, in milliseconds. */
    public record Summary(String operation, int count, double p50, double p90, double p99, double max, double mean) {

        public static Summary of(String operation, long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
            return new Summary(operation, sorted.length, percentile(sorted, 50), percentile(sorted, 90),
                    percentile(sorted, 99), sorted[sorted.length - 1] / 1e6, mean);
        }

        /** Nearest-rank percentile. */
        private static double percentile(long[] sorted, double p) {
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)] / 1e6;
        }

        /** Requests per second one client achieves at the mean latency. */
        public double perSecond() {
            return mean > 0 ? 1000.0 / mean : 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-14s n=%d  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms"
                    + "  mean %7.2f ms  (%.0f/s)", operation, count, p50, p90, p99, max, mean, perSecond());
        }
    }

    /** PUT, idempotent PUT and GET summaries of one run. */
    public record Result(Summary put, Summary putIdempotent, Summary get) {
    }

    private ObjectStoreLatency() {
    }

    /**
     * Writes {@code warmup + measured} objects with {@code put}, as many with {@code putIdempotent}
     * (new keys, so each is a HEAD then a PUT), then reads the {@code put} objects back, under
     * {@code images/{runId}-.../}. The objects are deleted afterwards.
     */
    public static Result run(ObjectStore store, String bucket, String runId, Options options) {
        byte[] content = new byte[options.objectBytes()];
        new Random(42).nextBytes(content);
        int total = options.warmup() + options.measured();
        long[] put = new long[options.measured()];
        long[] putIdempotent = new long[options.measured()];
        long[] get = new long[options.measured()];
        String plain = runId + "-put";
        String idempotent = runId + "-put-idempotent";
        try {
            for (int i = 0; i < total; i++) {
                long start = System.nanoTime();
                store.put(bucket, ObjectKeys.image(plain, i), content, "image/png", Map.of());
                record(put, i - options.warmup(), System.nanoTime() - start);
            }
            for (int i = 0; i < total; i++) {
                long start = System.nanoTime();
                store.putIdempotent(bucket, ObjectKeys.image(idempotent, i), content, "image/png", Map.of());
                record(putIdempotent, i - options.warmup(), System.nanoTime() - start);
            }
            for (int i = 0; i < total; i++) {
                long start = System.nanoTime();
                byte[] read = store.get(bucket, ObjectKeys.image(plain, i));
                record(get, i - options.warmup(), System.nanoTime() - start);
                if (read.length != content.length) {
                    throw new IllegalStateException("GET returned " + read.length + " bytes, expected " + content.length);
                }
            }
        } finally {
            for (int i = 0; i < total; i++) {
                store.delete(bucket, ObjectKeys.image(plain, i));
                store.delete(bucket, ObjectKeys.image(idempotent, i));
            }
        }
        return new Result(Summary.of("PUT", put), Summary.of("PUT idempotent", putIdempotent), Summary.of("GET", get));
    }

    private static void record(long[] samples, int index, long nanos) {
        if (index >= 0) {
            samples[index] = nanos;
        }
    }
}
