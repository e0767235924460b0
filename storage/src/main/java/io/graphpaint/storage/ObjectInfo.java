package io.graphpaint.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ObjectStore#stat} knows about a stored object.
 *
 * @param etag         the ETag without quotes
 * @param userMetadata the caller's metadata, keys in lower case, without graphpaint's own
 *                     {@code sha256} entry (that one is {@link #sha256()})
 * @param sha256       hex sha256 of the content when it was written by {@link ObjectStore}, else empty
 */
public record ObjectInfo(String bucket, String key, long size, String etag, String contentType,
                         Map<String, String> userMetadata, Optional<String> sha256, Instant lastModified) {

    public ObjectInfo {
        userMetadata = Map.copyOf(userMetadata);
    }

    public S3Uri uri() {
        return new S3Uri(bucket, key);
    }
}
