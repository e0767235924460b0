package io.graphpaint.storage;

import java.time.Instant;

/** One entry of {@link ObjectStore#list}: a key with its size, ETag (unquoted) and modification time. */
public record ObjectSummary(String bucket, String key, long size, String etag, Instant lastModified) {
}
