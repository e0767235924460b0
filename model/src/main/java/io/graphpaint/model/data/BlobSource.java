package io.graphpaint.model.data;

import java.io.IOException;
import java.util.List;

/** Read side of an object store: bytes by key ({@code a/b/c.png}, slash-separated). */
public interface BlobSource {

  /** The bytes stored under {@code key}; {@link java.nio.file.NoSuchFileException} if absent. */
  byte[] get(String key) throws IOException;

  /** Keys under {@code prefix} (empty for all), sorted. */
  List<String> list(String prefix) throws IOException;
}
