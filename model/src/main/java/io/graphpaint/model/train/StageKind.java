package io.graphpaint.model.train;

import io.graphpaint.model.checkpoint.GraphPaintModel;
import java.util.List;

/** The stages of graphpaint's training recipe, in order. */
public enum StageKind {
  /** 0a: CLIP by contrastive learning on image/caption pairs. */
  CLIP_PRETRAINING("0a-clip", List.of(GraphPaintModel.CLIP)),
  /** 0b: caption-conditioned text-to-image diffusion (the "pre-trained" UNet). */
  TEXT_TO_IMAGE("0b-text-to-image", List.of(GraphPaintModel.UNET, GraphPaintModel.FUSION)),
  /** 1: graph encoder aligned to frozen CLIP image embeddings (GAN + L_align). */
  ALIGNMENT("1-alignment", List.of(GraphPaintModel.GRAPH_ENCODER, GraphPaintModel.DISCRIMINATOR)),
  /** 2: UNet + graph encoder + fusion with lambda L_recon + (1 - lambda) L_align. */
  FINE_TUNING("2-fine-tuning", List.of(GraphPaintModel.UNET, GraphPaintModel.GRAPH_ENCODER, GraphPaintModel.FUSION));

  private final String id;
  private final List<String> trainedComponents;

  StageKind(String id, List<String> trainedComponents) {
    this.id = id;
    this.trainedComponents = trainedComponents;
  }

  /** Directory and log name, e.g. {@code 1-alignment}. */
  public String id() {
    return id;
  }

  /**
   * The stage with id {@code name} ({@code 0b-text-to-image}) or its short form, the id up to
   * the first dash ({@code 0b}).
   */
  public static StageKind fromId(String name) {
    for (StageKind kind : values()) {
      if (kind.id.equals(name) || kind.id.substring(0, kind.id.indexOf('-')).equals(name)) {
        return kind;
      }
    }
    List<String> ids = java.util.Arrays.stream(values()).map(StageKind::id).toList();
    throw new IllegalArgumentException(
        "stage must be one of " + String.join(", ", ids) + " (or 0a, 0b, 1, 2), got '" + name + "'");
  }

  /** Components whose weights this stage changes (some only in part, see {@link StageTrainer}). */
  public List<String> trainedComponents() {
    return trainedComponents;
  }
}
