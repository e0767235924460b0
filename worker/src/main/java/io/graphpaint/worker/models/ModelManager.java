package io.graphpaint.worker.models;

import io.graphpaint.events.ModelPublished;
import io.graphpaint.worker.ops.WorkerMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model versions a worker serves: the current (promoted) one, swapped atomically when a newly
 * promoted version has loaded in the background; a small LRU of loaded versions for requests that
 * pin one; the versions published so far, to load a pinned one on demand.
 *
 * <p>A version that fails to load is logged and counted, and the current one keeps serving.
 * Versions leaving the cache are not closed at once (a batch may be running on them): they are
 * queued and closed by {@link #closeRetired()}, which the generation thread calls between batches.
 */
public final class ModelManager implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

  private final String modelName;
  private final int cacheSize;
  private final ModelLoader loader;
  private final WorkerMetrics metrics;
  private final AtomicReference<LoadedModel> current = new AtomicReference<>();
  /** Loaded versions in access order, the current one included; guarded by itself. */
  private final LinkedHashMap<String, LoadedModel> loaded = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, ModelPublished> published = new ConcurrentHashMap<>();
  private final Queue<LoadedModel> retired = new ConcurrentLinkedQueue<>();
  private final ExecutorService background;
  /** Pinned versions being loaded in the background. */
  private final Set<String> pendingPins = ConcurrentHashMap.newKeySet();
  /** Pinned versions whose load failed, with the reason, until a request is told. */
  private final Map<String, String> failedPins = new ConcurrentHashMap<>();
  /** Version being loaded in the background, to skip duplicates. */
  private final AtomicReference<String> loading = new AtomicReference<>();

  public ModelManager(String modelName, int cacheSize, ModelLoader loader, WorkerMetrics metrics) {
    if (cacheSize < 1) {
      throw new IllegalArgumentException("cacheSize must be >= 1, got " + cacheSize);
    }
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.cacheSize = cacheSize;
    this.loader = Objects.requireNonNull(loader, "loader");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.background = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "graphpaint-model-loader");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Loads the version to serve first: the last promoted version of {@code history} (records of
   * graphpaint.models in offset order), else, or when it fails to load, the default directory.
   *
   * @param defaultDir default model directory, blank for none
   * @throws IllegalStateException when there is nothing to serve
   */
  public LoadedModel start(List<ModelPublished> history, String defaultDir, String defaultVersion) {
    ModelPublished promoted = null;
    for (ModelPublished record : history) {
      if (remember(record) && record.getPromoted()) {
        promoted = record;
      }
    }
    List<String> problems = new ArrayList<>();
    if (promoted != null) {
      try {
        return install(loader.load(modelName, promoted.getVersion(), promoted.getArtifactUri()));
      } catch (Exception e) {
        metrics.modelLoadFailed();
        problems.add("promoted version " + promoted.getVersion() + " at " + promoted.getArtifactUri() + ": " + e);
        LOG.error("Promoted model {}/{} failed to load; trying the default directory", modelName, promoted.getVersion(), e);
      }
    }
    if (defaultDir != null && !defaultDir.isBlank()) {
      try {
        return install(loader.load(modelName, defaultVersion, defaultDir));
      } catch (Exception e) {
        metrics.modelLoadFailed();
        problems.add("default directory " + defaultDir + ": " + e);
      }
    } else {
      problems.add("no default model directory is configured");
    }
    throw new IllegalStateException("No model of '" + modelName + "' to serve: " + String.join("; ", problems));
  }

  /** Records a published version; a promoted version other than the current one loads in the background. */
  public void onPublished(ModelPublished record) {
    if (!remember(record) || !record.getPromoted()) {
      return;
    }
    LoadedModel serving = current.get();
    String version = record.getVersion();
    if (serving != null && serving.version().equals(version)) {
      return;
    }
    if (!version.equals(loading.getAndSet(version))) {
      background.execute(() -> loadAndSwap(record));
    }
  }

  private boolean remember(ModelPublished record) {
    if (!modelName.equals(record.getModelName())) {
      return false;
    }
    published.put(record.getVersion(), record);
    return true;
  }

  private void loadAndSwap(ModelPublished record) {
    try {
      LoadedModel cached;
      synchronized (loaded) {
        cached = loaded.get(record.getVersion());
      }
      install(cached != null ? cached : loader.load(modelName, record.getVersion(), record.getArtifactUri()));
      LOG.info("Now serving model {}/{}", modelName, record.getVersion());
    } catch (Exception | LinkageError e) {
      metrics.modelLoadFailed();
      LoadedModel serving = current.get();
      LOG.error("Model {}/{} from {} failed to load; still serving {}", modelName, record.getVersion(),
          record.getArtifactUri(), serving, e);
    } finally {
      loading.compareAndSet(record.getVersion(), null);
    }
  }

  private LoadedModel install(LoadedModel model) {
    synchronized (loaded) {
      loaded.put(model.version(), model);
      current.set(model);
      evictBeyondCapacity();
    }
    metrics.modelVersion(modelName, model.version());
    return model;
  }

  private void evictBeyondCapacity() {
    Iterator<Map.Entry<String, LoadedModel>> eldest = loaded.entrySet().iterator();
    while (loaded.size() > cacheSize && eldest.hasNext()) {
      LoadedModel candidate = eldest.next().getValue();
      if (candidate != current.get()) {
        eldest.remove();
        retired.add(candidate);
      }
    }
  }

  /** The version serving unpinned requests. */
  public LoadedModel current() {
    LoadedModel model = current.get();
    if (model == null) {
      throw new IllegalStateException("no model loaded yet: call start() first");
    }
    return model;
  }

  public boolean isLoaded() {
    return current.get() != null;
  }

  /** What {@link #resolve} found: a model to run on now, or a pinned version still loading. */
  public sealed interface Resolution {
    /** The model is loaded. */
    record Ready(LoadedModel model) implements Resolution {}

    /** The pinned version is being loaded in the background; ask again later. */
    record Loading(String version) implements Resolution {}
  }

  /**
   * The model for a request: the current one when {@code pinnedVersion} is null, else the pinned
   * version from the cache. A published version that is not loaded starts loading in the
   * background (the caller's thread, the one that samples, never waits on a load) and the answer
   * is {@link Resolution.Loading} until it is ready; a load that failed is reported once, to the
   * next caller asking for that version, as {@link ModelUnavailableException}.
   */
  public Resolution resolve(String pinnedVersion) throws ModelUnavailableException {
    LoadedModel serving = current();
    if (pinnedVersion == null || pinnedVersion.equals(serving.version())) {
      return new Resolution.Ready(serving);
    }
    synchronized (loaded) {
      LoadedModel cached = loaded.get(pinnedVersion);
      if (cached != null) {
        return new Resolution.Ready(cached);
      }
    }
    String failure = failedPins.remove(pinnedVersion);
    if (failure != null) {
      throw new ModelUnavailableException("model version '" + pinnedVersion + "' of '" + modelName
          + "' could not be loaded (" + failure + "); leave modelVersion out to use the current version "
          + serving.version(), null);
    }
    ModelPublished record = published.get(pinnedVersion);
    if (record == null) {
      throw new ModelUnavailableException("model version '" + pinnedVersion + "' of '" + modelName
          + "' is not published; published versions: " + new TreeSet<>(published.keySet())
          + "; leave modelVersion out to use the current version " + serving.version(), null);
    }
    if (pendingPins.add(pinnedVersion)) {
      background.execute(() -> loadPinned(record));
    }
    return new Resolution.Loading(pinnedVersion);
  }

  private void loadPinned(ModelPublished record) {
    String version = record.getVersion();
    try {
      LoadedModel model = loader.load(modelName, version, record.getArtifactUri());
      synchronized (loaded) {
        if (loaded.putIfAbsent(version, model) != null) {
          retired.add(model); // loaded meanwhile as a promoted version
        }
        evictBeyondCapacity();
      }
      LOG.info("Loaded pinned model {}/{}", modelName, version);
    } catch (Exception | LinkageError e) {
      metrics.modelLoadFailed();
      failedPins.put(version, e.getMessage() != null ? e.getMessage() : e.toString());
      LOG.error("Pinned model {}/{} from {} failed to load", modelName, version, record.getArtifactUri(), e);
    } finally {
      pendingPins.remove(version);
    }
  }

  /** Closes versions that left the cache; call only where no batch is running. */
  public void closeRetired() {
    LoadedModel model;
    while ((model = retired.poll()) != null) {
      LOG.info("Unloading model {}", model);
      model.close();
    }
  }

  @Override
  public void close() {
    background.shutdownNow();
    try {
      background.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeRetired();
    synchronized (loaded) {
      loaded.values().forEach(LoadedModel::close);
      loaded.clear();
      current.set(null);
    }
  }
}
