package io.graphpaint.orchestrator.api;

import java.net.URI;
import java.util.Optional;

/** Where a client downloads an image from: a presigned object-store URL, when storage is configured. */
@FunctionalInterface
public interface ImageLinks {

  ImageLinks NONE = (bucket, key) -> Optional.empty();

  Optional<URI> urlOf(String bucket, String key);
}
