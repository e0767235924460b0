package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * CLIP's symmetric contrastive loss on a batch of N matched pairs (text i belongs to image i):
 * {@code (CE(logits_per_text, arange N) + CE(logits_per_image, arange N)) / 2}.
 *
 * <p>As a DJL {@link Loss} it reads {@code logits_per_text} (N, N) as the first prediction (what
 * {@link ClipModel}'s DJL forward returns first) and ignores the labels, which are implied by the
 * pairing.
 */
public final class ClipContrastiveLoss extends Loss {

  public ClipContrastiveLoss() {
    super("clip_contrastive");
  }

  /** @param logitsPerText (N, N) scaled similarities, row = text, column = image */
  public static NDArray symmetricCrossEntropy(NDArray logitsPerText) {
    long n = logitsPerText.getShape().get(0);
    if (logitsPerText.getShape().dimension() != 2 || logitsPerText.getShape().get(1) != n) {
      throw new IllegalArgumentException(
          "logits_per_text must be square (N, N) for matched pairs, got " + logitsPerText.getShape());
    }
    NDArray eye = logitsPerText.getManager().eye((int) n);
    NDArray textToImage = logitsPerText.logSoftmax(1).mul(eye).sum().div(-n); // CE over images
    NDArray imageToText = logitsPerText.logSoftmax(0).mul(eye).sum().div(-n); // CE over texts
    return textToImage.add(imageToText).div(2f);
  }

  /**
   * The symmetric loss with hard-negative texts (NegCLIP): {@code logitsPerText} is (2N, N), rows
   * 0..N-1 the matched texts, row N + i a text that belongs to no image and is made to resemble
   * text i (e.g. its caption with the relations reversed). The text-to-image term is the usual one
   * over the N matched rows; the image-to-text term runs over all 2N texts, so every image must
   * score its own text above the other images' texts and above every hard negative.
   *
   * @param usable (N) 1 where hard negative i is a negative, 0 to leave it out (a reversed caption
   *     that reads like the original is no negative)
   */
  public static NDArray withHardNegatives(NDArray logitsPerText, NDArray usable) {
    long n = logitsPerText.getShape().get(1);
    if (logitsPerText.getShape().dimension() != 2 || logitsPerText.getShape().get(0) != 2 * n) {
      throw new IllegalArgumentException(
          "logits_per_text must be (2N, N): N matched texts, then one hard negative per text; got " + logitsPerText.getShape());
    }
    if (usable.getShape().dimension() != 1 || usable.getShape().get(0) != n) {
      throw new IllegalArgumentException("usable must be (N) = (" + n + "), got " + usable.getShape());
    }
    NDArray matched = logitsPerText.get("0:" + n);
    NDArray eye = logitsPerText.getManager().eye((int) n);
    NDArray textToImage = matched.logSoftmax(1).mul(eye).sum().div(-n);
    // a hard negative left out gets a logit far below any other, so it adds nothing to the softmax
    NDArray offset = logitsPerText.getManager().zeros(new ai.djl.ndarray.types.Shape(n))
        .concat(usable.toType(logitsPerText.getDataType(), false).sub(1f).mul(1e4f))
        .reshape(2 * n, 1);
    NDArray imageToText = logitsPerText.add(offset).logSoftmax(0).get("0:" + n).mul(eye).sum().div(-n);
    return textToImage.add(imageToText).div(2f);
  }

  /**
   * Of the images whose hard negative is usable, the fraction that score their own text above it
   * (0.5 is chance: the image cannot tell the two apart); NaN when none is usable.
   */
  public static float hardNegativePreference(NDArray logitsPerText, NDArray usable) {
    int n = (int) logitsPerText.getShape().get(1);
    float[] logits = logitsPerText.toFloatArray();
    float[] use = usable.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    int counted = 0;
    int preferred = 0;
    for (int i = 0; i < n; i++) {
      if (use[i] > 0) {
        counted++;
        if (logits[i * n + i] > logits[(n + i) * n + i]) {
          preferred++;
        }
      }
    }
    return counted == 0 ? Float.NaN : preferred / (float) counted;
  }

  /**
   * Loss from normalised embeddings (N, P) and the log-scale temperature (scalar, e.g. a
   * parameter's array; its exponential is kept on the embeddings' manager).
   */
  public static NDArray fromEmbeddings(NDArray textEmbeds, NDArray imageEmbeds, NDArray logitScale) {
    NDArray scale = logitScale.exp();
    scale.attach(textEmbeds.getManager());
    return symmetricCrossEntropy(textEmbeds.matMul(imageEmbeds.transpose()).mul(scale));
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    return symmetricCrossEntropy(predictions.get(0));
  }
}
