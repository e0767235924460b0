/**
 * CLIP with the Hugging Face {@code CLIPModel} architecture and parameter names: configs read from
 * {@code config.json} ({@link io.graphpaint.model.clip.ClipConfig}), the text and ViT towers and
 * projections ({@link io.graphpaint.model.clip.ClipModel}), the tokenizer from {@code
 * tokenizer.json} ({@link io.graphpaint.model.clip.ClipTokenizer}), image preprocessing ({@link
 * io.graphpaint.model.clip.ClipImageProcessor}), the pieces for training a small CLIP from scratch
 * ({@link io.graphpaint.model.clip.WordLevelTokenizerWriter}, {@link
 * io.graphpaint.model.clip.ClipSize}, {@link io.graphpaint.model.clip.ClipBundle}) and its
 * contrastive loss ({@link io.graphpaint.model.clip.ClipContrastiveLoss}).
 */
package io.graphpaint.model.clip;
