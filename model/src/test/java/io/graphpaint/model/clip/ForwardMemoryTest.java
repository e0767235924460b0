package io.graphpaint.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.graphpaint.model.graph.GraphEncoder;
import io.graphpaint.model.graph.GraphEncoderConfig;
import io.graphpaint.model.graph.GraphBatch;
import io.graphpaint.model.nn.FixtureFiles;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A forward pass leaves nothing behind in the manager that holds the parameters. */
class ForwardMemoryTest {

  @Test
  void forwardPassesAllocateOnlyUnderTheInputsManager() throws Exception {
    Path clipDir = FixtureFiles.dir("clip-tiny");
    Path graphDir = FixtureFiles.dir("graph-sgdiff");
    try (NDManager modelManager = NDManager.newBaseManager()) {
      ClipModel clip = ClipModel.load(clipDir, modelManager);
      GraphEncoder graph =
          GraphEncoder.load(new GraphEncoderConfig(10, 5, 32, 48, 2, 6, 5), modelManager,
              graphDir.resolve("weights.safetensors"));
      ParameterStore ps = new ParameterStore(modelManager, false);
      int before = modelManager.getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        try (NDManager call = modelManager.newSubManager()) {
          Map<String, NDArray> in = FixtureFiles.tensors(call, clipDir.resolve("inputs.safetensors"));
          ClipOutput out = clip.apply(ps, in.get("input_ids"), in.get("attention_mask"), in.get("pixel_values"), false);
          ClipContrastiveLoss.fromEmbeddings(
              out.textEmbeds().get("0:3"), out.imageEmbeds(), clip.logitScale().getArray());
          Map<String, NDArray> g = FixtureFiles.tensors(call, graphDir.resolve("inputs.safetensors"));
          graph.encode(ps, new GraphBatch(g.get("objs"), g.get("triples"), g.get("obj_to_img"), g.get("triple_to_img"), 3), false);
        }
      }
      assertThat(modelManager.getManagedArrays()).hasSize(before);
    }
  }
}
