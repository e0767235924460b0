package io.graphpaint.storage;

/**
 * An idempotent put found a different object already stored under its key. graphpaint's keys
 * are deterministic (a request id, a model version), so this means two different results claim the
 * same name; overwriting would silently lose one of them. Never retriable.
 */
public final class ObjectConflictException extends StorageException {

    private final String existingSha256;
    private final String newSha256;

    public ObjectConflictException(String bucket, String key, String existingSha256, long existingSize,
                                   String newSha256, long newSize) {
        super("putIdempotent", bucket, key, 0, null, false,
                "the object already exists with different content (stored: " + existingSize + " bytes, sha256 "
                        + (existingSha256 == null ? "unknown" : existingSha256) + "; new: " + newSize
                        + " bytes, sha256 " + newSha256 + "); refusing to overwrite. Write the new content"
                        + " under a new key (e.g. a new version) or delete the old object first", null);
        this.existingSha256 = existingSha256;
        this.newSha256 = newSha256;
    }

    /** The sha256 of what is stored (hex), or null when it could not be determined. */
    public String existingSha256() {
        return existingSha256;
    }

    /** The sha256 of the content that was refused (hex). */
    public String newSha256() {
        return newSha256;
    }
}
