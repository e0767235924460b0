package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.graphpaint.model.nn.SafetensorsStateDict;
import io.graphpaint.model.nn.StateDictBlock;
import io.graphpaint.model.nn.TorchLinear;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CLIP with the Hugging Face {@code CLIPModel} architecture and parameter names ({@code
 * text_model.*}, {@code vision_model.*}, {@code text_projection.weight}, {@code
 * visual_projection.weight}, {@code logit_scale}), so {@code openai/clip-vit-*} checkpoints load
 * from {@code model.safetensors} + {@code config.json}, and checkpoints graphpaint trains load in
 * transformers.
 *
 * <p>DJL forward: inputs {@code [input_ids (B_t, S), attention_mask (B_t, S), pixel_values (B_i, C,
 * H, W)]}, outputs {@code [logits_per_text, logits_per_image, text_embeds, image_embeds]}.
 */
public final class ClipModel extends StateDictBlock {

  public static final String CONFIG_FILE = "config.json";
  public static final String WEIGHTS_FILE = "model.safetensors";

  private final ClipConfig config;
  private final ClipTextTransformer textModel;
  private final ClipVisionTransformer visionModel;
  private final TorchLinear visualProjection;
  private final TorchLinear textProjection;
  private final Parameter logitScale;

  public ClipModel(ClipConfig config) {
    this.config = config;
    int textWidth = config.text().hiddenSize();
    int visionWidth = config.vision().hiddenSize();
    textModel = addNamedChild("text_model", new ClipTextTransformer(config.text()));
    visionModel = addNamedChild("vision_model", new ClipVisionTransformer(config.vision()));
    visualProjection =
        addNamedChild(
            "visual_projection",
            TorchLinear.of(visionWidth, config.projectionDim(), false,
                new NormalInitializer((float) (Math.pow(visionWidth, -0.5) * config.vision().initializerFactor())),
                null));
    textProjection =
        addNamedChild(
            "text_projection",
            TorchLinear.of(textWidth, config.projectionDim(), false,
                new NormalInitializer((float) (Math.pow(textWidth, -0.5) * config.text().initializerFactor())),
                null));
    logitScale =
        addNamedParameter(
            "logit_scale", Parameter.Type.OTHER, new Shape(),
            new ConstantInitializer((float) config.logitScaleInit()));
  }

  /** A randomly initialised CLIP under {@code manager} (transformers' initialisation scheme). */
  public static ClipModel create(ClipConfig config, NDManager manager) {
    ClipModel model = new ClipModel(config);
    model.initializeParameters(manager);
    return model;
  }

  /** Loads {@code config.json} and {@code model.safetensors} from a Hugging Face model directory. */
  public static ClipModel load(Path directory, NDManager manager) throws IOException {
    ClipModel model = create(ClipConfig.read(directory.resolve(CONFIG_FILE)), manager);
    SafetensorsStateDict.load(model, directory.resolve(WEIGHTS_FILE));
    return model;
  }

  /** Writes {@code config.json} and {@code model.safetensors} as transformers does. */
  public void save(Path directory) throws IOException {
    Files.createDirectories(directory);
    config.write(directory.resolve(CONFIG_FILE));
    SafetensorsStateDict.save(this, directory.resolve(WEIGHTS_FILE));
  }

  public ClipConfig config() {
    return config;
  }

  public ClipTextTransformer textModel() {
    return textModel;
  }

  public ClipVisionTransformer visionModel() {
    return visionModel;
  }

  /** The log-scale temperature (a scalar). */
  public Parameter logitScale() {
    return logitScale;
  }

  /** Text tower; {@code attentionMask} may be null (causal mask only, as Stable Diffusion calls it). */
  public ClipEncoderOutput encodeText(
      ParameterStore ps, NDArray inputIds, NDArray attentionMask, boolean training) {
    return textModel.apply(ps, inputIds, attentionMask, training);
  }

  /** Image tower on CLIP-normalised (B, C, H, W) pixels. */
  public ClipEncoderOutput encodeImage(ParameterStore ps, NDArray pixelValues, boolean training) {
    return visionModel.apply(ps, pixelValues, training);
  }

  /** {@code text_projection(pooled)}, (B, P), not normalised. */
  public NDArray projectText(ParameterStore ps, NDArray pooledText, boolean training) {
    return textProjection.apply(ps, pooledText, training);
  }

  /** {@code visual_projection(pooled)}, (B, P), not normalised. */
  public NDArray projectImage(ParameterStore ps, NDArray pooledImage, boolean training) {
    return visualProjection.apply(ps, pooledImage, training);
  }

  /** Both towers, normalised embeddings and the scaled similarity logits. */
  public ClipOutput apply(
      ParameterStore ps, NDArray inputIds, NDArray attentionMask, NDArray pixelValues, boolean training) {
    ClipEncoderOutput text = encodeText(ps, inputIds, attentionMask, training);
    ClipEncoderOutput vision = encodeImage(ps, pixelValues, training);
    NDArray textEmbeds = l2Normalize(projectText(ps, text.pooled(), training));
    NDArray imageEmbeds = l2Normalize(projectImage(ps, vision.pooled(), training));
    NDArray scale = onManagerOf(textEmbeds, value(ps, logitScale, textEmbeds, training).exp());
    NDArray logitsPerText = textEmbeds.matMul(imageEmbeds.transpose()).mul(scale); // (B_t, B_i)
    return new ClipOutput(text, vision, textEmbeds, imageEmbeds, logitsPerText, logitsPerText.transpose());
  }

  /** x / ||x|| over the last axis. */
  public static NDArray l2Normalize(NDArray x) {
    return x.div(x.square().sum(new int[] {-1}, true).sqrt());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() != 3) {
      throw new IllegalArgumentException(
          "ClipModel expects [input_ids, attention_mask, pixel_values], got " + inputs.size() + " arrays");
    }
    ClipOutput out = apply(ps, inputs.get(0), inputs.get(1), inputs.get(2), training);
    return new NDList(out.logitsPerText(), out.logitsPerImage(), out.textEmbeds(), out.imageEmbeds());
  }
}
