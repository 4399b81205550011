package org.facestream.gallery;

import static org.facestream.gallery.FlatIndex.GROUP;

/**
 * Plain loops over the interleaved layout: the fallback when the Vector API is not available. Each inner
 * loop runs over the 16 rows of a group with independent sums, so C2 vectorises it on its own (without FMA:
 * Java may not fuse a multiply and an add, and {@code Math.fma} is not fast on every CPU); sums are taken
 * in dimension order, so panel and one-probe results agree to the bit.
 */
final class ScalarTileKernel implements TileKernel {
  private static final int P = 4;

  @Override
  public int panelWidth() {
    return P;
  }

  @Override
  public int pairGroups() {
    return 1;
  }

  @Override
  public void fp32Panel(
      float[] data, int dim, int g0, int g1, float[] panel, int panelGroups, float[] scores, int offset, int stride) {
    float[] acc = new float[P * GROUP];
    for (int g = g0; g < g1; g++) {
      int base = g * dim * GROUP;
      for (int pg = 0; pg < panelGroups; pg++) {
        java.util.Arrays.fill(acc, 0f);
        for (int j = 0; j < dim; j++) {
          int o = base + j * GROUP;
          int q = (pg * dim + j) * P;
          for (int p = 0; p < P; p++) {
            float x = panel[q + p];
            int a = p * GROUP;
            for (int l = 0; l < GROUP; l++) {
              acc[a + l] += data[o + l] * x;
            }
          }
        }
        for (int p = 0; p < P; p++) {
          System.arraycopy(acc, p * GROUP, scores, offset + (pg * P + p) * stride + (g - g0) * GROUP, GROUP);
        }
      }
    }
  }

  @Override
  public void fp32One(float[] data, int dim, int g0, int g1, float[] q, float[] scores, int offset) {
    float[] acc = new float[GROUP];
    for (int g = g0; g < g1; g++) {
      java.util.Arrays.fill(acc, 0f);
      int base = g * dim * GROUP;
      for (int j = 0; j < dim; j++) {
        float x = q[j];
        int o = base + j * GROUP;
        for (int l = 0; l < GROUP; l++) {
          acc[l] += data[o + l] * x;
        }
      }
      System.arraycopy(acc, 0, scores, offset + (g - g0) * GROUP, GROUP);
    }
  }

  @Override
  public void fp16One(short[] data, int dim, int g0, int g1, float[] q, float[] scores, int offset) {
    float[] acc = new float[GROUP];
    for (int g = g0; g < g1; g++) {
      java.util.Arrays.fill(acc, 0f);
      int base = g * dim * GROUP;
      for (int j = 0; j < dim; j++) {
        float x = q[j];
        int o = base + j * GROUP;
        for (int l = 0; l < GROUP; l++) {
          acc[l] += Float.float16ToFloat(data[o + l]) * x;
        }
      }
      System.arraycopy(acc, 0, scores, offset + (g - g0) * GROUP, GROUP);
    }
  }

  @Override
  public void int8One(byte[] data, int dim, int g0, int g1, float[] q, float[] scores, int offset) {
    float[] acc = new float[GROUP];
    for (int g = g0; g < g1; g++) {
      java.util.Arrays.fill(acc, 0f);
      int base = g * dim * GROUP;
      for (int j = 0; j < dim; j++) {
        float x = q[j];
        int o = base + j * GROUP;
        for (int l = 0; l < GROUP; l++) {
          acc[l] += data[o + l] * x;
        }
      }
      System.arraycopy(acc, 0, scores, offset + (g - g0) * GROUP, GROUP);
    }
  }

  @Override
  public void widenFp16(short[] data, int dim, int g0, int g1, float[] out) {
    int from = g0 * dim * GROUP;
    int n = (g1 - g0) * dim * GROUP;
    for (int k = 0; k < n; k++) {
      out[k] = Float.float16ToFloat(data[from + k]);
    }
  }

  @Override
  public void widenInt8(byte[] data, int dim, int g0, int g1, float[] out) {
    int from = g0 * dim * GROUP;
    int n = (g1 - g0) * dim * GROUP;
    for (int k = 0; k < n; k++) {
      out[k] = data[from + k];
    }
  }

  @Override
  public int nextAbove(float[] scores, int from, int to, float threshold) {
    for (int i = from; i < to; i++) {
      if (scores[i] > threshold) {
        return i;
      }
    }
    return to;
  }

  @Override
  public float[] prepareFp16(float[] probe) {
    return probe;
  }

  @Override
  public String name() {
    return "scalar";
  }
}
