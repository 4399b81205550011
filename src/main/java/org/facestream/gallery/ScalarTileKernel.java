package org.facestream.gallery;

import static org.facestream.gallery.FlatIndex.GROUP;

import java.util.Arrays;

/** Plain loops over the interleaved layout: the fallback when the Vector API is not available. */
final class ScalarTileKernel implements TileKernel {
    @Override
    public void fp32(float[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores) {
        int tileRows = (g1 - g0) * GROUP;
        float[] acc = new float[GROUP];
        for (int i = 0; i < probeCount; i++) {
            float[] q = probes[p0 + i];
            for (int g = g0; g < g1; g++) {
                Arrays.fill(acc, 0f);
                int base = g * dim * GROUP;
                for (int j = 0; j < dim; j++) {
                    float x = q[j];
                    int o = base + j * GROUP;
                    // sixteen independent sums, one per row: C2 can vectorise this inner loop on its own
                    for (int l = 0; l < GROUP; l++) {
                        acc[l] += data[o + l] * x;
                    }
                }
                System.arraycopy(acc, 0, scores, i * tileRows + (g - g0) * GROUP, GROUP);
            }
        }
    }

    @Override
    public void fp16(short[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores) {
        int tileRows = (g1 - g0) * GROUP;
        float[] acc = new float[GROUP];
        for (int i = 0; i < probeCount; i++) {
            float[] q = probes[p0 + i];
            for (int g = g0; g < g1; g++) {
                Arrays.fill(acc, 0f);
                int base = g * dim * GROUP;
                for (int j = 0; j < dim; j++) {
                    float x = q[j];
                    int o = base + j * GROUP;
                    for (int l = 0; l < GROUP; l++) {
                        acc[l] += Float.float16ToFloat(data[o + l]) * x;
                    }
                }
                System.arraycopy(acc, 0, scores, i * tileRows + (g - g0) * GROUP, GROUP);
            }
        }
    }

    @Override
    public void int8(byte[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores) {
        int tileRows = (g1 - g0) * GROUP;
        float[] acc = new float[GROUP];
        for (int i = 0; i < probeCount; i++) {
            float[] q = probes[p0 + i];
            for (int g = g0; g < g1; g++) {
                Arrays.fill(acc, 0f);
                int base = g * dim * GROUP;
                for (int j = 0; j < dim; j++) {
                    float x = q[j];
                    int o = base + j * GROUP;
                    for (int l = 0; l < GROUP; l++) {
                        acc[l] += data[o + l] * x;
                    }
                }
                System.arraycopy(acc, 0, scores, i * tileRows + (g - g0) * GROUP, GROUP);
            }
        }
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
