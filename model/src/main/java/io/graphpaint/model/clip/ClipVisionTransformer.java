package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.StateDictBlock;
import io.graphpaint.model.nn.TorchEmbedding;
import io.graphpaint.model.nn.TorchLayerNorm;

/**
 * CLIP's ViT image tower ({@code vision_model.*}): patch convolution (no bias), class token,
 * position embeddings, {@code pre_layrnorm}, pre-LayerNorm blocks, {@code post_layernorm} on the
 * class token.
 */
public final class ClipVisionTransformer extends StateDictBlock {

  private final ClipVisionConfig config;
  private final Parameter classEmbedding;
  private final PatchEmbedding patchEmbedding;
  private final TorchEmbedding positionEmbedding;
  private final TorchLayerNorm preLayerNorm;
  private final ClipEncoder encoder;
  private final TorchLayerNorm postLayerNorm;

  ClipVisionTransformer(ClipVisionConfig config) {
    this.config = config;
    int d = config.hiddenSize();
    double f = config.initializerFactor();
    float eps = (float) config.layerNormEps();
    float rangeStd = (float) (config.initializerRange() * f);
    EmbeddingsHolder embeddings = addNamedChild("embeddings", new EmbeddingsHolder(config, rangeStd));
    classEmbedding = embeddings.classEmbedding;
    patchEmbedding = embeddings.patchEmbedding;
    positionEmbedding = embeddings.positionEmbedding;
    preLayerNorm = addNamedChild("pre_layrnorm", new TorchLayerNorm(d, eps));
    encoder =
        addNamedChild(
            "encoder",
            new ClipEncoder(
                d, config.intermediateSize(), config.numHeads(), config.numLayers(),
                config.activation(), eps, f));
    postLayerNorm = addNamedChild("post_layernorm", new TorchLayerNorm(d, eps));
  }

  /** @param pixelValues (B, C, image_size, image_size), CLIP-normalised */
  public ClipEncoderOutput apply(ParameterStore ps, NDArray pixelValues, boolean training) {
    Shape shape = pixelValues.getShape();
    Shape want = new Shape(shape.get(0), config.numChannels(), config.imageSize(), config.imageSize());
    if (!shape.equals(want)) {
      throw new IllegalArgumentException("pixel_values must be " + want + " (B, C, H, W), got " + shape);
    }
    long b = shape.get(0);
    int d = config.hiddenSize();
    NDArray patches = patchEmbedding.apply(ps, pixelValues, training); // (B, D, g, g)
    patches = patches.reshape(b, d, -1).transpose(0, 2, 1); // (B, g*g, D)
    NDArray cls =
        onManagerOf(pixelValues, value(ps, classEmbedding, pixelValues, training).reshape(1, 1, d))
            .broadcast(b, 1, d); // (B, 1, D)
    NDArray tokens = NDArrays.concat(new NDList(cls, patches), 1); // (B, N + 1, D)
    NDArray hidden = tokens.add(positionEmbedding.table(ps, pixelValues, training)); // + (N + 1, D)
    NDArray last = encoder.apply(ps, preLayerNorm.apply(ps, hidden, training), null, training);
    NDArray pooled = postLayerNorm.apply(ps, last.get(new NDIndex(":, 0, :")), training); // (B, D)
    return new ClipEncoderOutput(last, pooled);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    ClipEncoderOutput out = apply(ps, inputs.singletonOrThrow(), training);
    return new NDList(out.lastHiddenState(), out.pooled());
  }

  /** {@code vision_model.embeddings}: {@code class_embedding}, {@code patch_embedding}, {@code position_embedding}. */
  private static final class EmbeddingsHolder extends StateDictBlock {
    final Parameter classEmbedding;
    final PatchEmbedding patchEmbedding;
    final TorchEmbedding positionEmbedding;

    EmbeddingsHolder(ClipVisionConfig config, float rangeStd) {
      int d = config.hiddenSize();
      classEmbedding =
          addNamedParameter(
              "class_embedding", Parameter.Type.WEIGHT, new Shape(d),
              new NormalInitializer((float) (Math.pow(d, -0.5) * config.initializerFactor())));
      patchEmbedding = addNamedChild("patch_embedding", new PatchEmbedding(config, rangeStd));
      positionEmbedding =
          addNamedChild(
              "position_embedding",
              new TorchEmbedding(config.numPositions(), d, new NormalInitializer(rangeStd)));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      throw new UnsupportedOperationException("runs inside ClipVisionTransformer");
    }
  }

  /** {@code Conv2d(C, D, kernel = stride = patch, bias = False)}, weight (D, C, p, p). */
  private static final class PatchEmbedding extends StateDictBlock {
    private final Parameter weight;
    private final Shape stride;

    PatchEmbedding(ClipVisionConfig config, float std) {
      int p = config.patchSize();
      stride = new Shape(p, p);
      weight =
          addNamedParameter(
              "weight", Parameter.Type.WEIGHT,
              new Shape(config.hiddenSize(), config.numChannels(), p, p), new NormalInitializer(std));
    }

    /** (B, C, H, W) -> (B, D, H / p, W / p). */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
      return x.getNDArrayInternal()
          .convolution(x, value(ps, weight, x, training), null, stride, new Shape(0, 0), new Shape(1, 1), 1)
          .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
  }
}
