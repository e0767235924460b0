/**
 * Scene graphs and the data they come with: {@link io.graphpaint.model.data.SceneGraph} and its
 * sg2im JSON form, the sg2im-compatible {@link io.graphpaint.model.data.Vocabulary}, box
 * relations by sg2im's rules, the synthetic shapes world (generator, renderer, dataset writer and
 * JSONL manifest), loaders for sg2im JSON, Visual Genome and COCO-Stuff with sg2im's filtering,
 * and images as model tensors. Storage is reached only through
 * {@link io.graphpaint.model.data.BlobSource} and {@link io.graphpaint.model.data.BlobSink}.
 */
package io.graphpaint.model.data;
