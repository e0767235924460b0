package io.graphpaint.worker.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.graphpaint.model.checkpoint.GraphPaintModel;
import io.graphpaint.model.checkpoint.ModelDirectory;
import io.graphpaint.storage.DirectoryTransfer;
import io.graphpaint.storage.Ids;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.S3Uri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads model directories onto one device: from the object store (downloaded into a cache
 * directory first, every object's sha256 checked by the download) or from a local directory.
 */
public final class ArtifactModelLoader implements ModelLoader, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactModelLoader.class);

  private final ObjectStore store;
  private final Path cacheDir;
  private final NDManager deviceManager;
  private final boolean wholeBatchUNet;

  /** A loader whose models denoise one image at a time (batch-invariant results). */
  public ArtifactModelLoader(ObjectStore store, Path cacheDir, Device device) {
    this(store, cacheDir, device, false);
  }

  /**
   * @param store the object store for {@code s3://} artifacts, or null when only local paths are served
   * @param cacheDir where downloaded versions are kept
   * @param device where the weights live
   * @param wholeBatchUNet whether loaded models run the UNet on the whole batch at once rather than per image
   */
  public ArtifactModelLoader(ObjectStore store, Path cacheDir, Device device, boolean wholeBatchUNet) {
    this.store = store;
    this.cacheDir = cacheDir;
    this.deviceManager = NDManager.newBaseManager(device);
    this.wholeBatchUNet = wholeBatchUNet;
  }

  public Device device() {
    return deviceManager.getDevice();
  }

  @Override
  public LoadedModel load(String name, String version, String artifactUri) {
    Path directory = localDirectory(name, version, artifactUri);
    long started = System.nanoTime();
    GraphPaintModel model = ModelDirectory.load(directory, deviceManager);
    LOG.info("Loaded model {}/{} from {} on {} in {} ms", name, version, artifactUri, deviceManager.getDevice(),
        (System.nanoTime() - started) / 1_000_000);
    return new LoadedModel(name, version, model, wholeBatchUNet);
  }

  private Path localDirectory(String name, String version, String artifactUri) {
    if (artifactUri.startsWith(S3Uri.SCHEME)) {
      if (store == null) {
        throw new IllegalStateException("model " + name + "/" + version + " is at " + artifactUri
            + " but no object store is configured");
      }
      S3Uri uri = S3Uri.parse(artifactUri);
      String prefix = uri.key().endsWith("/") ? uri.key() : uri.key() + "/";
      Path target = cacheDir.resolve(Ids.requireValid("modelName", name)).resolve(Ids.requireValid("modelVersion", version));
      deleteRecursively(target); // a half-finished earlier download must not mix with this one
      if (new DirectoryTransfer(store).download(uri.bucket(), prefix, target).isEmpty()) {
        throw new IllegalArgumentException("no objects under " + artifactUri);
      }
      return target;
    }
    return artifactUri.startsWith("file:") ? Path.of(URI.create(artifactUri)) : Path.of(artifactUri);
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + directory, e);
    }
  }

  @Override
  public void close() {
    deviceManager.close();
  }
}
