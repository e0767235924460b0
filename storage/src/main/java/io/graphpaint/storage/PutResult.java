package io.graphpaint.storage;

/**
 * The outcome of {@link ObjectStore#putIdempotent}.
 *
 * @param object  the object now stored under the key
 * @param created true when this call wrote it, false when identical content was already there
 */
public record PutResult(StoredObject object, boolean created) {
}
