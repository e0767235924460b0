package io.graphpaint.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.graphpaint.model.data.EncodedSceneGraph;
import io.graphpaint.model.data.Manifest;
import io.graphpaint.model.data.ManifestEntry;
import io.graphpaint.model.data.SceneGraph;
import io.graphpaint.model.data.ShapesScene;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.fusion.LabelPrompt;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * One split of a dataset held in memory: RGB pixels as bytes, scene graphs (encoded with the
 * vocabulary), captions and label prompts. Batches are a pure function of (seed, step): each
 * epoch visits a fresh permutation drawn from (seed, epoch), so a resumed run sees the same
 * batches as an uninterrupted one.
 */
public final class TrainingData {

  private final int imageSize;
  private final List<byte[]> pixels; // each (S, S, 3) RGB
  private final List<SceneGraph> graphs;
  private final List<EncodedSceneGraph> encodedGraphs;
  private final List<String> captions;
  private final List<String> labelPrompts;
  private long cachedEpoch = -1;
  private long cachedSeed;
  private int[] cachedPermutation;

  private TrainingData(int imageSize, List<byte[]> pixels, List<SceneGraph> graphs, List<String> captions, Vocabulary vocabulary) {
    if (pixels.isEmpty()) {
      throw new IllegalArgumentException("training data is empty");
    }
    this.imageSize = imageSize;
    this.pixels = List.copyOf(pixels);
    this.graphs = List.copyOf(graphs);
    this.captions = List.copyOf(captions);
    this.encodedGraphs = graphs.stream().map(vocabulary::encode).toList();
    this.labelPrompts = graphs.stream().map(LabelPrompt::of).toList();
  }

  /** Reads the {@code split} entries of a dataset directory with a {@code manifest.jsonl}. */
  public static TrainingData read(Path datasetDirectory, String split, Vocabulary vocabulary, int limit) {
    Path manifest = datasetDirectory.resolve(Manifest.FILE_NAME);
    try {
      List<ManifestEntry> entries = Manifest.read(manifest);
      List<byte[]> pixels = new ArrayList<>();
      List<SceneGraph> graphs = new ArrayList<>();
      List<String> captions = new ArrayList<>();
      int size = -1;
      for (ManifestEntry entry : entries) {
        if (!entry.split().equals(split)) {
          continue;
        }
        if (limit > 0 && pixels.size() >= limit) {
          break;
        }
        BufferedImage image = ImageIO.read(datasetDirectory.resolve(entry.image()).toFile());
        if (image == null) {
          throw new IOException("not a readable image: " + entry.image());
        }
        if (size < 0) {
          size = image.getWidth();
        }
        if (image.getWidth() != size || image.getHeight() != size) {
          throw new IllegalArgumentException(
              "images must all be " + size + "x" + size + ", " + entry.image() + " is " + image.getWidth() + "x" + image.getHeight());
        }
        pixels.add(rgb(image));
        graphs.add(entry.graph());
        captions.add(entry.caption());
      }
      if (pixels.isEmpty()) {
        throw new IllegalArgumentException("dataset " + datasetDirectory + " has no entries in split '" + split + "'");
      }
      return new TrainingData(size, pixels, graphs, captions, vocabulary);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read dataset " + datasetDirectory + ": " + e.getMessage(), e);
    }
  }

  /** In-memory data, e.g. rendered directly by the shapes world. */
  public static TrainingData of(List<BufferedImage> images, List<SceneGraph> graphs, List<String> captions, Vocabulary vocabulary) {
    if (images.size() != graphs.size() || images.size() != captions.size()) {
      throw new IllegalArgumentException("images, graphs and captions must have the same count");
    }
    int size = images.get(0).getWidth();
    return new TrainingData(size, images.stream().map(TrainingData::rgb).toList(), graphs, captions, vocabulary);
  }

  private static byte[] rgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * 3];
    int k = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        out[k++] = (byte) (argb >> 16);
        out[k++] = (byte) (argb >> 8);
        out[k++] = (byte) argb;
      }
    }
    return out;
  }

  public int size() {
    return pixels.size();
  }

  public int imageSize() {
    return imageSize;
  }

  public List<String> captions() {
    return captions;
  }

  public List<String> labelPrompts() {
    return labelPrompts;
  }

  public List<SceneGraph> graphs() {
    return graphs;
  }

  /** The sample indices of a step's batch. */
  public synchronized int[] batchIndices(long seed, long step, int batchSize) {
    int[] indices = new int[batchSize];
    long position = step * batchSize;
    for (int i = 0; i < batchSize; i++, position++) {
      long epoch = position / pixels.size();
      indices[i] = permutation(seed, epoch)[(int) (position % pixels.size())];
    }
    return indices;
  }

  private int[] permutation(long seed, long epoch) {
    // keyed by seed too: each stage draws its own order, and a stage must not reuse the order the
    // previous stage left cached for the same epoch number
    if (epoch != cachedEpoch || seed != cachedSeed) {
      int[] permutation = new int[pixels.size()];
      for (int i = 0; i < permutation.length; i++) {
        permutation[i] = i;
      }
      Random random = new Random(seed * 31 + epoch);
      for (int i = permutation.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = permutation[i];
        permutation[i] = permutation[j];
        permutation[j] = swap;
      }
      cachedPermutation = permutation;
      cachedEpoch = epoch;
      cachedSeed = seed;
    }
    return cachedPermutation;
  }

  /** (B, S, S, 3) uint8 pixels of the samples. */
  public NDArray pixelsNhwc(int[] indices, NDManager manager) {
    int bytes = imageSize * imageSize * 3;
    ByteBuffer buffer = ByteBuffer.allocateDirect(indices.length * bytes);
    for (int index : indices) {
      buffer.put(pixels.get(index));
    }
    buffer.rewind();
    return manager.create(buffer, new Shape(indices.length, imageSize, imageSize, 3), DataType.UINT8);
  }

  /** (B, 3, S, S) float32 in [-1, 1], the diffusion model's x_0. */
  public NDArray imagesSigned(int[] indices, NDManager manager) {
    return pixelsNhwc(indices, manager).toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2).div(127.5f).sub(1f);
  }

  public List<EncodedSceneGraph> encodedGraphs(int[] indices) {
    List<EncodedSceneGraph> out = new ArrayList<>(indices.length);
    for (int index : indices) {
      out.add(encodedGraphs.get(index));
    }
    return out;
  }

  public List<String> captions(int[] indices) {
    List<String> out = new ArrayList<>(indices.length);
    for (int index : indices) {
      out.add(captions.get(index));
    }
    return out;
  }

  /**
   * Each sample's caption written for its graph with every relationship reversed, as the shapes
   * datasets write captions ({@link ShapesScene#caption(SceneGraph)}): stage 0a's relation hard
   * negatives.
   *
   * @throws IllegalArgumentException when a sample's caption is not the one the shapes writer
   *     gives its graph (a dataset with captions of its own), since its reversed caption would
   *     differ from it in more than the relations
   */
  public List<String> reversedCaptions(int[] indices) {
    List<String> out = new ArrayList<>(indices.length);
    for (int index : indices) {
      SceneGraph graph = graphs.get(index);
      if (!captions.get(index).equals(ShapesScene.caption(graph))) {
        throw new IllegalArgumentException("relation negatives need captions written from the graph, as the shapes "
            + "datasets write them; sample " + index + "'s caption '" + captions.get(index) + "' is not '"
            + ShapesScene.caption(graph) + "'. Train this dataset without relationNegatives");
      }
      out.add(ShapesScene.caption(graph.withRelationshipsReversed()));
    }
    return out;
  }

  public List<String> labelPrompts(int[] indices) {
    List<String> out = new ArrayList<>(indices.length);
    for (int index : indices) {
      out.add(labelPrompts.get(index));
    }
    return out;
  }
}
