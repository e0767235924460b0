package io.graphpaint.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsStateDictTest {

  @TempDir Path temp;

  /** Two nested layers, names {@code proj.weight}, {@code proj.bias}, {@code norm.weight}, {@code norm.bias}. */
  static final class TwoLayers extends StateDictBlock {
    TwoLayers(int in, int out) {
      addNamedChild("proj", TorchLinear.of(in, out, true));
      addNamedChild("norm", new TorchLayerNorm(out, 1e-5f));
    }

    @Override
    protected ai.djl.ndarray.NDList forwardInternal(
        ai.djl.training.ParameterStore ps, ai.djl.ndarray.NDList in, boolean training,
        ai.djl.util.PairList<String, Object> params) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void writesTheSafetensorsLayoutTransformersWrites() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      TwoLayers block = new TwoLayers(3, 2);
      block.initializeParameters(manager);
      Path file = temp.resolve("model.safetensors");
      SafetensorsStateDict.save(block, file);

      byte[] bytes = Files.readAllBytes(file);
      long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertThat(headerLength % 8).isZero();
      JsonNode header =
          new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8).trim());
      assertThat(header.path("__metadata__").path("format").asText()).isEqualTo("pt");
      assertThat(header.path("proj.weight").path("shape").toString()).isEqualTo("[2,3]");
      assertThat(header.path("norm.bias").path("dtype").asText()).isEqualTo("F32");
      // the first tensor's bytes are the parameter's values, little-endian float32
      JsonNode offsets = header.path("proj.weight").path("data_offsets");
      ByteBuffer data =
          ByteBuffer.wrap(bytes, 8 + (int) headerLength + offsets.get(0).asInt(), 24).order(ByteOrder.LITTLE_ENDIAN);
      float[] stored = new float[6];
      data.asFloatBuffer().get(stored);
      assertThat(stored).containsExactly(block.stateDict().get("proj.weight").getArray().toFloatArray());

      Map<String, NDArray> decoded = FixtureFiles.tensors(manager, file);
      assertThat(decoded.keySet()).containsExactlyInAnyOrder("proj.weight", "proj.bias", "norm.weight", "norm.bias");
      assertThat(decoded.get("norm.weight").toFloatArray()).containsExactly(1f, 1f);
    }
  }

  @Test
  void loadRejectsMissingParametersByName() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      TwoLayers small = new TwoLayers(3, 2);
      small.initializeParameters(manager);
      Path file = temp.resolve("small.safetensors");
      SafetensorsStateDict.save(small, file);
      TwoLayers other = new TwoLayers(3, 2);
      other.initializeParameters(manager);
      assertThatThrownBy(() -> SafetensorsStateDict.load(other, file, "model."))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lacks 4 parameter(s)")
          .hasMessageContaining("model.proj.weight");
      SafetensorsStateDict.LoadReport report = SafetensorsStateDict.load(other, file);
      assertThat(report.loaded()).isEqualTo(4);
      assertThat(Arrays.equals(
              other.stateDict().get("proj.weight").getArray().toFloatArray(),
              small.stateDict().get("proj.weight").getArray().toFloatArray()))
          .isTrue();
    }
  }
}
