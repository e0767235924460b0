package io.graphpaint.storage;

/**
 * An object as written: where it is and what it holds.
 *
 * @param sha256 hex sha256 of the content, also stored as the user metadata entry {@code sha256}
 */
public record StoredObject(String bucket, String key, long size, String sha256, String etag) {

    public S3Uri uri() {
        return new S3Uri(bucket, key);
    }
}
