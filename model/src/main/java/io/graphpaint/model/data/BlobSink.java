package io.graphpaint.model.data;

import java.io.IOException;

/** Write side of an object store: bytes by key ({@code a/b/c.png}, slash-separated). */
public interface BlobSink {

  /** Stores {@code bytes} under {@code key}, replacing what was there. */
  void put(String key, byte[] bytes) throws IOException;
}
