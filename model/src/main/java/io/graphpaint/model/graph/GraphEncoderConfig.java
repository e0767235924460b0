package io.graphpaint.model.graph;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Sizes of the scene-graph encoder; JSON names are the arguments of SGDiff's {@code CGIPModel}, so
 * a configuration reads the same on both sides.
 *
 * @param numObjectClasses object classes, without the {@code __image__} node; the object embedding
 *     table has {@code numObjectClasses + 1} rows, the last being the image node
 * @param numPredicates predicate classes including {@code __in_image__}
 * @param embedDim D, width of object and predicate vectors and of {@code G_global}
 * @param hiddenDim H, hidden width of the triple MLPs
 * @param graphNetLayers graph convolutions after the first one ({@code graph_conv}); the encoder
 *     has {@code graphNetLayers + 1} convolutions
 * @param maxTriplesPerGraph triples per graph kept as local (triple) tokens, zero-padded
 * @param maxObjectsPerGraph objects per graph (image node included) kept as per-object tokens
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GraphEncoderConfig(
    @JsonProperty("num_objs") int numObjectClasses,
    @JsonProperty("num_preds") int numPredicates,
    @JsonProperty("embed_dim") int embedDim,
    @JsonProperty("width") int hiddenDim,
    @JsonProperty("layers") int graphNetLayers,
    @JsonProperty("max_sample_per_img") int maxTriplesPerGraph,
    @JsonProperty("max_objects_per_img") int maxObjectsPerGraph) {

  public GraphEncoderConfig {
    requireAtLeast("num_objs", numObjectClasses, 1);
    requireAtLeast("num_preds", numPredicates, 1);
    requireAtLeast("embed_dim", embedDim, 1);
    requireAtLeast("width", hiddenDim, 1);
    requireAtLeast("layers", graphNetLayers, 0);
    requireAtLeast("max_sample_per_img", maxTriplesPerGraph, 1);
    requireAtLeast("max_objects_per_img", maxObjectsPerGraph, 1);
  }

  /**
   * The paper's size (SGDiff's VG/COCO configuration): D = H = 512, six graph convolutions
   * ({@code graph_conv} + 5), 15 triple tokens.
   */
  public static GraphEncoderConfig paper(int numObjectClasses, int numPredicates) {
    return new GraphEncoderConfig(numObjectClasses, numPredicates, 512, 512, 5, 15, 16);
  }

  /** Id of the {@code __image__} node in the object embedding table. */
  public int imageNodeId() {
    return numObjectClasses;
  }

  /** Width of a triple token {@code [v_s; v_p; v_o]}. */
  public int tripleTokenDim() {
    return 3 * embedDim;
  }

  private static void requireAtLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
    }
  }
}
