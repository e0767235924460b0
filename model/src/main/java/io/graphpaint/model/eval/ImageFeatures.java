package io.graphpaint.model.eval;

import java.awt.image.BufferedImage;

/** A feature space for FID and diversity: the frozen CLIP image encoder, or a plain pixel one. */
public interface ImageFeatures {

  /** Name recorded in reports, e.g. "clip-vit-b32" or "pixels-8x8". */
  String name();

  float[] features(BufferedImage image);
}
