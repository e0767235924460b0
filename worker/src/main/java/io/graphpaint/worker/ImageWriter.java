package io.graphpaint.worker;

import io.graphpaint.events.ImageRef;
import io.graphpaint.storage.ObjectConflictException;
import io.graphpaint.storage.ObjectKeys;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.PutResult;
import io.graphpaint.storage.Sha256;
import io.graphpaint.storage.StorageException;
import io.graphpaint.worker.ops.WorkerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a request's PNGs under {@code images/{requestId}/{n}.png}, idempotently, retrying failed
 * writes with exponential back-off for as long as the worker runs: while it retries, the request's
 * partition stays paused and uncommitted, and nothing is announced until every image is stored.
 * A write the store refuses for a reason retrying does not cure ({@link StorageException#isRetriable()}
 * false: credentials, policy, missing bucket) is tried {@code refusedAttempts} times, then
 * {@link Refused} ends the request's attempt.
 */
final class ImageWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ImageWriter.class);

  /** Thrown when the worker stops before the images are stored; the request is handed back. */
  static final class Interrupted extends RuntimeException {
    Interrupted(String message) {
      super(message);
    }
  }

  /** Thrown when the store keeps refusing a write for a reason retrying does not cure. */
  static final class Refused extends RuntimeException {
    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ObjectStore store;
  private final String bucket;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int refusedAttempts;
  private final WorkerMetrics metrics;

  ImageWriter(ObjectStore store, String bucket, Duration initialBackoff, Duration maxBackoff, int refusedAttempts,
      WorkerMetrics metrics) {
    this.store = store;
    this.bucket = bucket;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.refusedAttempts = refusedAttempts;
    this.metrics = metrics;
  }

  /**
   * @param stop true when the worker stops; then the write is abandoned with {@link Interrupted}
   * @return one reference per image, in order
   */
  List<ImageRef> write(String requestId, String modelVersion, List<byte[]> pngs, long firstSeed, int size,
      BooleanSupplier stop) {
    List<ImageRef> refs = new ArrayList<>(pngs.size());
    for (int n = 0; n < pngs.size(); n++) {
      byte[] png = pngs.get(n);
      String key = ObjectKeys.image(requestId, n);
      long seed = firstSeed + n;
      Map<String, String> metadata = Map.of("request-id", requestId, "model-version", modelVersion,
          "seed", Long.toString(seed), "image-index", Integer.toString(n));
      String sha256 = putWithRetry(key, png, metadata, stop);
      refs.add(ImageRef.newBuilder().setBucket(bucket).setKey(key).setWidth(size).setHeight(size)
          .setSha256(sha256).setSeed(seed).build());
    }
    return refs;
  }

  private String putWithRetry(String key, byte[] png, Map<String, String> metadata, BooleanSupplier stop) {
    long backoff = initialBackoff.toMillis();
    int refusals = 0;
    while (true) {
      try {
        PutResult result = store.putIdempotent(bucket, key, png, "image/png", metadata);
        return result.object().sha256() != null ? result.object().sha256() : Sha256.hex(png);
      } catch (ObjectConflictException e) {
        // An earlier owner of this request stored other bytes (sampling kernels may differ by a
        // rounding step between batch shapes). Both are valid renders of the same request; the one
        // already stored, and perhaps already seen, wins.
        LOG.warn("{} already holds a different render (sha256 {}); announcing the stored one", key, e.existingSha256());
        return e.existingSha256();
      } catch (RuntimeException e) {
        if (stop.getAsBoolean()) {
          throw new Interrupted("stopped while writing " + key + ": " + e.getMessage());
        }
        if (e instanceof StorageException refused && !refused.isRetriable() && ++refusals >= refusedAttempts) {
          throw new Refused("the object store refused to store " + key + " " + refusals + " times with an error "
              + "that retrying does not cure: " + e.getMessage() + ". Check the worker's object store credentials, "
              + "bucket '" + bucket + "' and its policy, then submit the request again", e);
        }
        metrics.storeRetried();
        LOG.warn("Writing {} failed ({}); retrying in {} ms", key, e.getMessage(), backoff);
        sleep(backoff, stop);
        backoff = Math.min(maxBackoff.toMillis(), backoff * 2);
      }
    }
  }

  private static void sleep(long millis, BooleanSupplier stop) {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (stop.getAsBoolean()) {
        throw new Interrupted("stopped while waiting to retry a write");
      }
      try {
        Thread.sleep(Math.min(50, Math.max(1, deadline - System.currentTimeMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Interrupted("interrupted while waiting to retry a write");
      }
    }
  }
}
