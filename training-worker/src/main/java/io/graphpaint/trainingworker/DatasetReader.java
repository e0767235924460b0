package io.graphpaint.trainingworker;

import io.graphpaint.events.DatasetFormat;
import io.graphpaint.events.DatasetUpdate;
import io.graphpaint.events.UnknownLabelPolicy;
import io.graphpaint.model.data.BlobSource;
import io.graphpaint.model.data.CocoStuffLoader;
import io.graphpaint.model.data.ImageTensors;
import io.graphpaint.model.data.LoadedDataset;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.Relationship;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.SceneGraphSample;
import io.graphpaint.model.data.SceneObject;
import io.graphpaint.model.data.ShapesScene;
import io.graphpaint.model.data.VisualGenomeLoader;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.storage.ObjectStore;
import io.graphpaint.storage.S3Uri;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Reads the dataset version a {@link DatasetUpdate} names from the object store, in the update's
 * format, with model.data's manifest reader and loaders over a {@link BlobSource} rooted at the
 * manifest's prefix, and checks its labels against the base vocabulary under the update's policy.
 *
 * <ul>
 *   <li>{@code SYNTHETIC_SHAPES}, {@code SG2IM_JSON}: {@code manifestUri} names a JSONL manifest
 *       ({@code id, split, graph, caption, image, ...}); images are keys relative to its prefix.
 *   <li>{@code VISUAL_GENOME}: {@code manifestUri} names {@code scene_graphs.json};
 *       {@code image_data.json} lies beside it and images under {@code images/}.
 *   <li>{@code COCO_STUFF}: {@code manifestUri} names {@code instances_*.json}; the
 *       {@code stuff_*.json} of the same name lies beside it and images under {@code images/}.
 * </ul>
 * Without a split in the source, every 20th sample is held out for validation.
 */
public final class DatasetReader {

  static final String FORMATS_ALLOWED =
      "SYNTHETIC_SHAPES or SG2IM_JSON (manifestUri names a JSONL manifest), VISUAL_GENOME (manifestUri names "
          + "scene_graphs.json, with image_data.json beside it), COCO_STUFF (manifestUri names instances_*.json, with "
          + "stuff_*.json beside it)";
  private static final int SHOWN = 5;
  private static final int HOLD_OUT_EVERY = 20;

  private final ObjectStore store;

  public DatasetReader(ObjectStore store) {
    this.store = store;
  }

  /**
   * @param base the base model's vocabulary
   * @param imageSize the model's image side
   * @param settings sample limit and validation split
   * @throws BadUpdateException when the update cannot be trained on, saying why
   */
  public PreparedDataset read(DatasetUpdate update, Vocabulary base, int imageSize, JobSettings settings) {
    S3Uri manifest;
    try {
      manifest = S3Uri.parse(update.getManifestUri());
    } catch (IllegalArgumentException e) {
      throw new BadUpdateException("manifestUri '" + update.getManifestUri() + "' is not an object address: "
          + e.getMessage());
    }
    int slash = manifest.key().lastIndexOf('/');
    String root = slash < 0 ? "" : manifest.key().substring(0, slash + 1);
    String file = manifest.key().substring(slash + 1);
    ObjectStoreBlobs blobs = new ObjectStoreBlobs(store, manifest.bucket(), root);
    List<Entry> entries = switch (update.getFormat()) {
      case SYNTHETIC_SHAPES, SG2IM_JSON -> manifestEntries(blobs, file);
      case VISUAL_GENOME -> loaded(blobs, file, update.getFormat());
      case COCO_STUFF -> loaded(blobs, file, update.getFormat());
      default -> throw new BadUpdateException("dataset format " + update.getFormat() + " is not supported; allowed: "
          + FORMATS_ALLOWED);
    };
    if (entries.isEmpty()) {
      throw new BadUpdateException("the manifest " + manifest + " lists no samples; a dataset needs at least "
          + "one training and one validation sample");
    }
    Vocabulary vocabulary = checkLabels(update, entries, base);
    List<Entry> train = new ArrayList<>();
    List<Entry> validation = new ArrayList<>();
    boolean hasSplits = entries.stream().anyMatch(e -> e.split != null);
    String validationSplit = chooseValidationSplit(entries, settings.validationSplit());
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      if (hasSplits) {
        if ("train".equals(entry.split)) {
          train.add(entry);
        } else if (validationSplit != null && validationSplit.equals(entry.split)) {
          validation.add(entry);
        }
      } else if (i % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1) {
        validation.add(entry);
      } else {
        train.add(entry);
      }
    }
    if (train.size() < 2) {
      throw new BadUpdateException("dataset " + update.getDatasetId() + " version " + update.getVersion() + " has "
          + train.size() + " training samples (split 'train'); training needs at least 2");
    }
    if (validation.isEmpty()) {
      throw new BadUpdateException("dataset " + update.getDatasetId() + " version " + update.getVersion()
          + " has no validation samples (split '" + settings.validationSplit() + "', else 'test'); add some to evaluate");
    }
    int leftOut = Math.max(0, train.size() - settings.maxSamples());
    List<Entry> used = train.subList(0, Math.min(train.size(), settings.maxSamples()));
    List<Entry> evaluated = validation.subList(0, Math.min(validation.size(), settings.evalSamples()));
    List<String> missing = new ArrayList<>();
    List<PreparedDataset.Sample> trainSamples = images(blobs, used, imageSize, missing);
    List<PreparedDataset.Sample> validationSamples = images(blobs, evaluated, imageSize, missing);
    if (!missing.isEmpty()) {
      throw new BadUpdateException(missing.size() + " image file" + (missing.size() == 1 ? " is" : "s are")
          + " missing or unreadable: " + String.join("; ", missing.subList(0, Math.min(SHOWN, missing.size())))
          + (missing.size() > SHOWN ? "; ..." : "") + ". Every sample's image must be a PNG or JPEG stored under "
          + blobs.uriOf("") + " at the key the manifest names");
    }
    List<String> added = new ArrayList<>();
    vocabulary.objectLabels().stream().filter(l -> !base.hasObject(l)).forEach(added::add);
    vocabulary.predicates().stream().filter(p -> !base.hasPredicate(p)).forEach(added::add);
    return new PreparedDataset(vocabulary, added, trainSamples, validationSamples, leftOut);
  }

  private static String chooseValidationSplit(List<Entry> entries, String preferred) {
    if (entries.stream().anyMatch(e -> preferred.equals(e.split))) {
      return preferred;
    }
    return entries.stream().anyMatch(e -> "test".equals(e.split)) ? "test" : null;
  }

  /** One sample before its image is read. */
  private record Entry(String id, String split, SceneGraph graph, String caption, String imageKey) {}

  private static List<Entry> manifestEntries(ObjectStoreBlobs blobs, String file) {
    List<ManifestEntry> entries;
    try {
      entries = Manifest.read(blobs, file);
    } catch (NoSuchFileException e) {
      throw new BadUpdateException("manifest " + blobs.uriOf(file) + " does not exist; manifestUri must name the "
          + "dataset's manifest.jsonl in the object store", e);
    } catch (IOException e) {
      throw new BadUpdateException("manifest " + blobs.uriOf(file) + " could not be read: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new BadUpdateException("manifest " + blobs.uriOf(file) + " is malformed: " + e.getMessage()
          + "; each line must be a JSON object with id, split, graph, caption and image", e);
    }
    return entries.stream().map(e -> new Entry(e.id(), e.split(), e.graph(), e.caption(), e.image())).toList();
  }

  private static List<Entry> loaded(ObjectStoreBlobs blobs, String file, DatasetFormat format) {
    LoadedDataset dataset;
    String companion = format == DatasetFormat.VISUAL_GENOME ? "image_data.json" : file.replace("instances", "stuff");
    try {
      byte[] main = blobs.get(file);
      if (format == DatasetFormat.VISUAL_GENOME) {
        dataset = VisualGenomeLoader.loadSceneGraphs(main, blobs.get(companion), VisualGenomeLoader.Options.sg2imDefaults());
      } else {
        byte[] stuff = companion.equals(file) || !blobs.list(companion).contains(companion) ? null : blobs.get(companion);
        dataset = CocoStuffLoader.load(main, stuff, CocoStuffLoader.Options.sg2imDefaults());
      }
    } catch (NoSuchFileException e) {
      throw new BadUpdateException(format + " dataset file " + e.getFile() + " does not exist; expected "
          + FORMATS_ALLOWED, e);
    } catch (IOException | RuntimeException e) {
      throw new BadUpdateException(format + " dataset at " + blobs.uriOf(file) + " could not be loaded: "
          + e.getMessage(), e);
    }
    List<Entry> entries = new ArrayList<>();
    for (SceneGraphSample sample : dataset.samples()) {
      entries.add(new Entry(sample.imageId(), null, sample.graph(), ShapesScene.caption(sample.graph()),
          "images/" + sample.imageFile()));
    }
    return entries;
  }

  /**
   * The vocabulary to train with: the base one when every label is known; under EXTEND the base
   * one with the new labels, predicates and attributes appended (existing ids unchanged).
   */
  static Vocabulary checkLabels(DatasetUpdate update, List<Entry> entries, Vocabulary base) {
    Set<String> objects = new LinkedHashSet<>();
    Set<String> predicates = new LinkedHashSet<>();
    Set<String> attributes = new LinkedHashSet<>();
    Set<String> knownAttributes = new LinkedHashSet<>(base.attributes());
    for (Entry entry : entries) {
      for (SceneObject object : entry.graph.objects()) {
        if (!base.hasObject(object.label())) {
          objects.add(object.label());
        }
        object.attributes().stream().filter(a -> !knownAttributes.contains(a)).forEach(attributes::add);
      }
      for (Relationship relationship : entry.graph.relationships()) {
        if (!base.hasPredicate(relationship.predicate())) {
          predicates.add(relationship.predicate());
        }
      }
    }
    if (objects.isEmpty() && predicates.isEmpty() && attributes.isEmpty()) {
      return base;
    }
    if (update.getUnknownLabelPolicy() == UnknownLabelPolicy.REJECT) {
      List<String> parts = new ArrayList<>();
      if (!objects.isEmpty()) {
        parts.add("object labels " + quoted(objects) + " (known: " + quoted(base.objectLabels()) + ")");
      }
      if (!predicates.isEmpty()) {
        parts.add("predicates " + quoted(predicates) + " (known: " + quoted(base.predicates()) + ")");
      }
      if (!attributes.isEmpty()) {
        parts.add("attributes " + quoted(attributes) + " (known: " + quoted(base.attributes()) + ")");
      }
      throw new BadUpdateException("dataset " + update.getDatasetId() + " version " + update.getVersion()
          + " uses names outside model " + update.getModelName() + "'s vocabulary under unknownLabelPolicy REJECT: "
          + String.join("; ", parts) + ". Use only known names, or publish the update with unknownLabelPolicy EXTEND "
          + "to grow the vocabulary");
    }
    return extend(base, objects, predicates, attributes);
  }

  /** {@code base} with names appended after its largest ids. */
  static Vocabulary extend(Vocabulary base, Set<String> objects, Set<String> predicates, Set<String> attributes) {
    Map<String, Integer> objectIds = new LinkedHashMap<>();
    objectIds.put(Vocabulary.IMAGE, 0);
    base.objectLabels().forEach(label -> objectIds.put(label, base.objectIndex(label)));
    int next = base.numObjectIds();
    for (String label : objects) {
      objectIds.put(label, next++);
    }
    Map<String, Integer> predicateIds = new LinkedHashMap<>();
    predicateIds.put(Vocabulary.IN_IMAGE, 0);
    base.predicates().forEach(p -> predicateIds.put(p, base.predicateIndex(p)));
    next = base.numPredicateIds();
    for (String predicate : predicates) {
      predicateIds.put(predicate, next++);
    }
    Map<String, Integer> attributeIds = new LinkedHashMap<>();
    base.attributes().forEach(a -> attributeIds.put(a, base.attributeIndex(a)));
    next = base.numAttributeIds();
    for (String attribute : attributes) {
      attributeIds.put(attribute, next++);
    }
    return Vocabulary.ofIds(objectIds, predicateIds, attributeIds);
  }

  private static String quoted(java.util.Collection<String> names) {
    List<String> shown = names.stream().limit(20).map(n -> "'" + n + "'").toList();
    return String.join(", ", shown) + (names.size() > 20 ? ", ... (" + names.size() + " in all)" : "");
  }

  private static List<PreparedDataset.Sample> images(ObjectStoreBlobs blobs, List<Entry> entries, int size,
      List<String> missing) {
    List<PreparedDataset.Sample> samples = new ArrayList<>();
    for (Entry entry : entries) {
      try {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(blobs.get(entry.imageKey)));
        if (image == null) {
          missing.add(blobs.uriOf(entry.imageKey) + " (sample " + entry.id + ") is not a readable image");
          continue;
        }
        BufferedImage sized = image.getWidth() == size && image.getHeight() == size && image.getType() == BufferedImage.TYPE_INT_RGB
            ? image : ImageTensors.resizeCenterCrop(image, size);
        samples.add(new PreparedDataset.Sample(entry.id, entry.graph, entry.caption, sized));
      } catch (NoSuchFileException e) {
        missing.add(blobs.uriOf(entry.imageKey) + " (sample " + entry.id + ") does not exist");
      } catch (IOException e) {
        missing.add(blobs.uriOf(entry.imageKey) + " (sample " + entry.id + "): " + e.getMessage());
      }
    }
    return samples;
  }
}
