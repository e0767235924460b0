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
