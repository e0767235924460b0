package io.graphpaint.trainingworker;

import io.graphpaint.model.data.BlobSink;
import io.graphpaint.model.data.BlobSource;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.ObjectSummary;
import io.graphpaint.storage.StorageException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;

/**
 * model.data's blob interfaces over one bucket and key prefix of the object store: key {@code k}
 * is object {@code prefix + k}. A missing object is a {@link NoSuchFileException} naming its
 * {@code s3://} address, as the interface asks.
 */
public final class ObjectStoreBlobs implements BlobSource, BlobSink {

  private final ObjectStore store;
  private final String bucket;
  private final String prefix;

  /** @param prefix empty or ending in {@code /} */
  public ObjectStoreBlobs(ObjectStore store, String bucket, String prefix) {
    if (prefix == null || !(prefix.isEmpty() || prefix.endsWith("/"))) {
      throw new IllegalArgumentException("prefix must be empty or end with '/', got '" + prefix + "'");
    }
    this.store = store;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  public String bucket() {
    return bucket;
  }

  public String prefix() {
    return prefix;
  }

  /** {@code s3://bucket/prefix+key}. */
  public String uriOf(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }

  @Override
  public byte[] get(String key) throws IOException {
    try {
      return store.get(bucket, prefix + key);
    } catch (StorageException e) {
      if (e.isNotFound()) {
        throw new NoSuchFileException(uriOf(key), null, "no object " + uriOf(key));
      }
      throw new IOException("could not read " + uriOf(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> list(String keyPrefix) throws IOException {
    try {
      return store.list(bucket, prefix + (keyPrefix == null ? "" : keyPrefix)).stream()
          .map(ObjectSummary::key)
          .map(key -> key.substring(prefix.length()))
          .sorted()
          .toList();
    } catch (StorageException e) {
      throw new IOException("could not list " + uriOf(keyPrefix == null ? "" : keyPrefix) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    try {
      store.put(bucket, prefix + key, bytes, contentType(key), Map.of());
    } catch (StorageException e) {
      throw new IOException("could not write " + uriOf(key) + ": " + e.getMessage(), e);
    }
  }

  private static String contentType(String key) {
    if (key.endsWith(".png")) {
      return "image/png";
    }
    if (key.endsWith(".json")) {
      return "application/json";
    }
    if (key.endsWith(".jsonl")) {
      return "application/x-ndjson";
    }
    return "application/octet-stream";
  }
}
