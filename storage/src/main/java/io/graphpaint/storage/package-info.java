/**
 * graphpaint's object storage: S3 (MinIO in production) through the MinIO Java SDK.
 *
 * <ul>
 *   <li>{@link io.graphpaint.storage.ObjectStore}: put / get / stat / list / delete, presigned
 *       GET URLs, and {@link io.graphpaint.storage.ObjectStore#putIdempotent idempotent puts}
 *       (a repeat with the same content is a no-op, different content under the same key fails
 *       with {@link io.graphpaint.storage.ObjectConflictException} and nothing is overwritten).</li>
 *   <li>{@link io.graphpaint.storage.ObjectStoreConfig}: endpoint, credentials (the secret is never
 *       printed), region, buckets, HTTPS and trust, timeouts; from code or environment variables.</li>
 *   <li>{@link io.graphpaint.storage.ObjectKeys}: the key layout ({@code images/{requestId}/{n}.png},
 *       {@code models/{name}/{version}/...}, {@code datasets/{id}/{version}/...},
 *       {@code checkpoints/{job}/{step}/...}), built only from ids checked by
 *       {@link io.graphpaint.storage.Ids}.</li>
 *   <li>{@link io.graphpaint.storage.S3Uri}: {@code s3://bucket/key} as carried in events.</li>
 *   <li>{@link io.graphpaint.storage.DirectoryTransfer}: a local directory to a prefix and back,
 *       refusing paths that could escape either.</li>
 *   <li>{@link io.graphpaint.storage.StorageException}: every failure, naming operation, bucket and
 *       key, and saying whether a retry may help.</li>
 * </ul>
 */
package io.graphpaint.storage;
