/**
 * The benchmark: the shapes analyzer that finds labelled objects in any image of the shapes
 * world, the 1-1 matching of its detections to a graph (OOR, relation accuracy, exact counts,
 * spurious objects), distribution metrics (FID in a given feature space, Inception score from
 * class probabilities, diversity), directory evaluation against a manifest, the report table,
 * the benchmark of trained models ({@link io.graphpaint.model.eval.ModelBenchmark}) and its
 * picture grid for the docs ({@link io.graphpaint.model.eval.SampleGrid}).
 */
package io.graphpaint.model.eval;
