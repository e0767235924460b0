/**
 * The paper's losses: noise reconstruction {@code L_recon}, {@code L_CLIP} (cosine or MSE),
 * multi-bandwidth RBF {@code L_MMD}, the GAN terms with the embedding discriminator, {@code
 * L_align = beta L_CLIP + (1 - beta) L_MMD} and the stage-2 total {@code lambda L_recon + (1 -
 * lambda) L_align}.
 */
package io.graphpaint.model.losses;
