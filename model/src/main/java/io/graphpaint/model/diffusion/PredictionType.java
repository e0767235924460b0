package io.graphpaint.model.diffusion;

/**
 * What the denoiser predicts (diffusers' {@code prediction_type}).
 *
 * <ul>
 *   <li>{@link #EPSILON}: the noise eps (DDPM). Exact at low noise, but at high noise an error e in
 *       eps is an error of {@code sqrt(1 - a_t) / sqrt(a_t) e} in the clean image, so the first
 *       sampling steps, where layout and content are decided, rest on a badly scaled target and
 *       the condition's effect on the loss there is tiny.
 *   <li>{@link #V_PREDICTION}: the velocity {@code v = sqrt(a_t) eps - sqrt(1 - a_t) x_0}
 *       (Salimans and Ho 2022): about eps at low noise and about {@code -x_0} at high noise, so
 *       the model predicts the image itself where the noise hides it.
 * </ul>
 */
public enum PredictionType {
  EPSILON,
  V_PREDICTION
}
