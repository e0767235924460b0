package io.graphpaint.model.checkpoint;

import ai.djl.ndarray.NDManager;
import io.graphpaint.model.clip.ClipModel;
import io.graphpaint.model.clip.ClipTokenizer;
import io.graphpaint.model.data.Vocabulary;
import io.graphpaint.model.diffusion.ConditionalUNet;
import io.graphpaint.model.fusion.ConditionFusion;
import io.graphpaint.model.graph.GraphEncoder;
import io.graphpaint.model.losses.EmbeddingDiscriminator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every trained part of graphpaint in one place: CLIP, the graph encoder, the fusion, the UNet
 * and the stage-1 discriminator, with the vocabulary and tokenizer they were trained with. Owns
 * the manager holding all weights; close it to free them.
 *
 * <p>Component names (prefixes of the weight names): {@value #CLIP}, {@value #GRAPH_ENCODER},
 * {@value #FUSION}, {@value #UNET}, {@value #DISCRIMINATOR}.
 */
public final class GraphPaintModel implements AutoCloseable {

  public static final String CLIP = "clip";
  public static final String GRAPH_ENCODER = "graph_encoder";
  public static final String FUSION = "fusion";
  public static final String UNET = "unet";
  public static final String DISCRIMINATOR = "discriminator";

  /** Components a sampling model needs (the discriminator only serves training). */
  public static final List<String> SAMPLING_COMPONENTS = List.of(CLIP, GRAPH_ENCODER, FUSION, UNET);

  private final ModelConfig config;
  private final Vocabulary vocabulary;
  private final byte[] tokenizerJson;
  private final NDManager manager;
  private final ClipModel clip;
  private final GraphEncoder graphEncoder;
  private final ConditionFusion fusion;
  private final ConditionalUNet unet;
  private final EmbeddingDiscriminator discriminator;
  private final ClipTokenizer tokenizer;
  private final NamedParameters parameters;

  private GraphPaintModel(ModelConfig config, Vocabulary vocabulary, byte[] tokenizerJson, NDManager parent) {
    this.config = config;
    this.vocabulary = vocabulary;
    this.tokenizerJson = tokenizerJson.clone();
    this.manager = parent.newSubManager();
    boolean built = false;
    try {
      this.clip = ClipModel.create(config.clip(), manager);
      this.graphEncoder = new GraphEncoder(config.graphEncoder());
      graphEncoder.initializeParameters(manager);
      this.fusion = new ConditionFusion(config.fusion());
      fusion.initialize(manager);
      this.unet = ConditionalUNet.builder().fromConfig(config.unet()).build().initialize(manager);
      this.discriminator = new EmbeddingDiscriminator(config.discriminator());
      discriminator.initialize(
          manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(2, config.discriminator().inputSize()));
      this.tokenizer = loadTokenizer(this.tokenizerJson, config.clip().text().maxPositions());
      this.parameters =
          new NamedParameters()
              .add(CLIP, clip)
              .add(GRAPH_ENCODER, graphEncoder)
              .add(FUSION, fusion)
              .add(UNET, unet)
              .add(DISCRIMINATOR, discriminator);
      built = true;
    } finally {
      if (!built) {
        manager.close();
      }
    }
  }

  /**
   * A freshly initialised model (random weights from the engine's seeded generator).
   *
   * @param tokenizerJson the {@code tokenizer.json} bytes the text tower reads
   */
  public static GraphPaintModel create(ModelConfig config, Vocabulary vocabulary, byte[] tokenizerJson, NDManager parent) {
    return new GraphPaintModel(config, vocabulary, tokenizerJson, parent);
  }

  private static ClipTokenizer loadTokenizer(byte[] json, int maxLength) {
    try {
      Path file = Files.createTempFile("graphpaint-tokenizer", ".json");
      try {
        Files.write(file, json);
        return ClipTokenizer.load(file, maxLength);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not load the tokenizer: " + e.getMessage(), e);
    }
  }

  public ModelConfig config() {
    return config;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public byte[] tokenizerJson() {
    return tokenizerJson.clone();
  }

  public ClipTokenizer tokenizer() {
    return tokenizer;
  }

  public NDManager manager() {
    return manager;
  }

  public ClipModel clip() {
    return clip;
  }

  public GraphEncoder graphEncoder() {
    return graphEncoder;
  }

  public ConditionFusion fusion() {
    return fusion;
  }

  public ConditionalUNet unet() {
    return unet;
  }

  public EmbeddingDiscriminator discriminator() {
    return discriminator;
  }

  /** All weights under {@code <component>.<name>}. */
  public NamedParameters parameters() {
    return parameters;
  }

  @Override
  public void close() {
    tokenizer.close();
    manager.close();
  }
}
