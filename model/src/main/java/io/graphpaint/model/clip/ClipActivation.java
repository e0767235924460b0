package io.graphpaint.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Arrays;

/** The MLP activations Hugging Face CLIP configs name in {@code hidden_act}. */
public enum ClipActivation {
  /** OpenAI CLIP: {@code x * sigmoid(1.702 x)}. */
  QUICK_GELU("quick_gelu"),
  /** Exact GELU, {@code x * Phi(x)}. */
  GELU("gelu");

  private final String configName;

  ClipActivation(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public NDArray apply(NDArray x) {
    return switch (this) {
      case QUICK_GELU -> x.mul(Activation.sigmoid(x.mul(1.702f)));
      case GELU -> Activation.gelu(x);
    };
  }

  public static ClipActivation fromConfigName(String name) {
    for (ClipActivation a : values()) {
      if (a.configName.equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "hidden_act '" + name + "' is not supported; allowed: "
            + Arrays.stream(values()).map(ClipActivation::configName).toList());
  }
}
