package io.graphpaint.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GroupNorm, attention and the sinusoidal embedding against plain-Java loop implementations. */
class NnReferenceTest {

  private NDManager manager;
  private final Random random = new Random(11);

  @BeforeEach
  void open() {
    Engine.getInstance().setRandomSeed(3);
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private float[] randomFloats(int n, float scale, float offset) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian() * scale + offset;
    }
    return out;
  }

  private static void assertClose(float[] actual, float[] expected, double tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      assertThat(Float.isFinite(actual[i])).as("finite at %d", i).isTrue();
      max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
    }
    assertThat(max).as("max abs difference").isLessThanOrEqualTo(tolerance);
  }

  // ---------- GroupNorm ----------

  static float[] referenceGroupNorm(
      float[] x, int b, int c, int spatial, int groups, float[] gamma, float[] beta, float eps) {
    float[] out = new float[x.length];
    int perGroup = c / groups;
    for (int n = 0; n < b; n++) {
      for (int g = 0; g < groups; g++) {
        double sum = 0;
        int count = perGroup * spatial;
        for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
          for (int s = 0; s < spatial; s++) {
            sum += x[(n * c + ch) * spatial + s];
          }
        }
        double mean = sum / count;
        double sq = 0;
        for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
          for (int s = 0; s < spatial; s++) {
            double d = x[(n * c + ch) * spatial + s] - mean;
            sq += d * d;
          }
        }
        double std = Math.sqrt(sq / count + eps);
        for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
          for (int s = 0; s < spatial; s++) {
            int i = (n * c + ch) * spatial + s;
            out[i] = (float) ((x[i] - mean) / std * gamma[ch] + beta[ch]);
          }
        }
      }
    }
    return out;
  }

  @Test
  void groupNormMatchesLoopReference() {
    int b = 2, c = 12, h = 5, w = 3, groups = 4;
    GroupNorm norm = GroupNorm.builder().setNumGroups(groups).setNumChannels(c).build();
    norm.initialize(manager, DataType.FLOAT32, new Shape(b, c, h, w));
    float[] gamma = randomFloats(c, 0.5f, 1f);
    float[] beta = randomFloats(c, 0.3f, 0f);
    Map<String, NDArray> params = StateDict.view(norm);
    assertThat(params.keySet()).containsExactly("weight", "bias");
    params.get("weight").set(gamma);
    params.get("bias").set(beta);
    // Offset 3 and scale 2 make the naive E[x^2] - E[x]^2 form lose digits; ours must not.
    float[] x = randomFloats(b * c * h * w, 2f, 3f);
    NDArray out =
        norm.forward(
                new ParameterStore(manager, false),
                new NDList(manager.create(x, new Shape(b, c, h, w))),
                false)
            .singletonOrThrow();
    assertThat(out.getShape()).isEqualTo(new Shape(b, c, h, w));
    assertClose(out.toFloatArray(), referenceGroupNorm(x, b, c, h * w, groups, gamma, beta, 1e-5f), 2e-5);
  }

  // ---------- attention ----------

  /** y = x W^T (+ bias); W is (out, in). */
  static float[] linear(float[] x, int rows, int in, float[] weight, int out, float[] bias) {
    float[] y = new float[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double acc = bias == null ? 0 : bias[o];
        for (int i = 0; i < in; i++) {
          acc += (double) x[r * in + i] * weight[o * in + i];
        }
        y[r * out + o] = (float) acc;
      }
    }
    return y;
  }

  static float[] referenceAttention(
      float[] x, float[] ctx, float[] mask, int b, int n, int l, int dq, int dc, int heads,
      Map<String, float[]> w) {
    int inner = w.get("to_q.weight").length / dq;
    int d = inner / heads;
    float[] out = new float[b * n * dq];
    for (int batch = 0; batch < b; batch++) {
      float[] xb = java.util.Arrays.copyOfRange(x, batch * n * dq, (batch + 1) * n * dq);
      float[] cb = java.util.Arrays.copyOfRange(ctx, batch * l * dc, (batch + 1) * l * dc);
      float[] q = linear(xb, n, dq, w.get("to_q.weight"), inner, null);
      float[] k = linear(cb, l, dc, w.get("to_k.weight"), inner, null);
      float[] v = linear(cb, l, dc, w.get("to_v.weight"), inner, null);
      float[] merged = new float[n * inner];
      for (int h = 0; h < heads; h++) {
        for (int i = 0; i < n; i++) {
          double[] scores = new double[l];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < l; j++) {
            double s = 0;
            for (int e = 0; e < d; e++) {
              s += (double) q[i * inner + h * d + e] * k[j * inner + h * d + e];
            }
            s /= Math.sqrt(d);
            if (mask != null && mask[batch * l + j] == 0f) {
              s += -1e9;
            }
            scores[j] = s;
            max = Math.max(max, s);
          }
          double z = 0;
          for (int j = 0; j < l; j++) {
            scores[j] = Math.exp(scores[j] - max);
            z += scores[j];
          }
          for (int e = 0; e < d; e++) {
            double acc = 0;
            for (int j = 0; j < l; j++) {
              acc += scores[j] / z * v[j * inner + h * d + e];
            }
            merged[i * inner + h * d + e] = (float) acc;
          }
        }
      }
      float[] y = linear(merged, n, inner, w.get("to_out.weight"), dq, w.get("to_out.bias"));
      System.arraycopy(y, 0, out, batch * n * dq, n * dq);
    }
    return out;
  }

  private float[] runAttention(boolean cross, boolean masked) {
    int b = 2, n = 5, l = cross ? 4 : 5, dq = 8, dc = cross ? 6 : 8, heads = 2;
    MultiHeadAttention attention =
        MultiHeadAttention.builder().setQueryDim(dq).optContextDim(dc).setNumHeads(heads).build();
    attention.initialize(manager, DataType.FLOAT32, new Shape(b, n, dq), new Shape(b, l, dc));
    Map<String, NDArray> params = StateDict.view(attention);
    assertThat(params.keySet())
        .containsExactly(
            "to_q.weight", "to_k.weight", "to_v.weight", "to_out.weight", "to_out.bias");
    Map<String, float[]> weights = new java.util.HashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      float[] values = randomFloats((int) e.getValue().size(), 0.4f, 0f);
      e.getValue().set(values);
      weights.put(e.getKey(), values);
    }
    float[] x = randomFloats(b * n * dq, 1f, 0f);
    float[] ctx = cross ? randomFloats(b * l * dc, 1f, 0f) : x;
    float[] mask = masked ? new float[] {1, 1, 0, 1, 0, 1, 1, 1, 0, 0} : null;
    if (masked && cross) {
      mask = new float[] {1, 0, 1, 0, 1, 1, 1, 1};
    }
    NDArray xArray = manager.create(x, new Shape(b, n, dq));
    NDArray ctxArray = cross ? manager.create(ctx, new Shape(b, l, dc)) : xArray;
    NDList inputs = new NDList(xArray, ctxArray);
    if (masked) {
      inputs.add(manager.create(mask, new Shape(b, l)));
    }
    NDArray out =
        attention.forward(new ParameterStore(manager, false), inputs, false).singletonOrThrow();
    assertThat(out.getShape()).isEqualTo(new Shape(b, n, dq));
    assertClose(
        out.toFloatArray(),
        referenceAttention(x, ctx, mask, b, n, l, dq, dc, heads, weights),
        2e-5);
    return out.toFloatArray();
  }

  @Test
  void selfAttentionMatchesLoopReference() {
    runAttention(false, false);
  }

  @Test
  void maskedSelfAttentionMatchesLoopReference() {
    runAttention(false, true);
  }

  @Test
  void crossAttentionMatchesLoopReference() {
    runAttention(true, false);
  }

  @Test
  void maskedCrossAttentionMatchesLoopReferenceAndIgnoresPaddedKeys() {
    float[] masked = runAttention(true, true);
    float[] unmasked = runAttention(true, false);
    // a mask that drops keys must change the result (else the mask would be ignored)
    double diff = 0;
    for (int i = 0; i < masked.length; i++) {
      diff = Math.max(diff, Math.abs(masked[i] - unmasked[i]));
    }
    assertThat(diff).isGreaterThan(1e-3);
  }

  // ---------- sinusoidal embedding ----------

  @Test
  void sinusoidalEmbeddingMatchesDiffusersFormula() {
    int[] t = {0, 1, 17, 500, 999};
    for (SinusoidalEmbedding embedding :
        new SinusoidalEmbedding[] {
          SinusoidalEmbedding.diffusersUNet(32),
          new SinusoidalEmbedding(9, false, 1f, 10000f)
        }) {
      int dim = embedding.dim();
      int half = dim / 2;
      float[] expected = new float[t.length * dim];
      for (int i = 0; i < t.length; i++) {
        for (int k = 0; k < half; k++) {
          double freq = Math.exp(-Math.log(10000) * k / (half - embedding.downscaleFreqShift()));
          double arg = t[i] * freq;
          int sinAt = embedding.flipSinToCos() ? half + k : k;
          int cosAt = embedding.flipSinToCos() ? k : half + k;
          expected[i * dim + sinAt] = (float) Math.sin(arg);
          expected[i * dim + cosAt] = (float) Math.cos(arg);
        }
      }
      NDArray out = embedding.embed(manager.create(t));
      assertThat(out.getShape()).isEqualTo(new Shape(t.length, dim));
      // float32 arguments up to ~1000 rad: a few ulp of 1000 in the phase
      assertClose(out.toFloatArray(), expected, 2e-4);
    }
  }
}
