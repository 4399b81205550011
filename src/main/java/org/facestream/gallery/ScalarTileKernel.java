package org.facestream.gallery;

import static org.facestream.gallery.FlatIndex.GROUP;

/**
 * Plain loops over the interleaved layout: the fallback when the Vector API is not available. Sixteen local
 * sums, one per row of a group, give the CPU independent chains (C2 does not vectorise these short loops, so
 * this is scalar code, about a quarter of the Vector API kernel's one-probe speed and a twentieth of its panel
 * speed); multiply then add, without FMA, since {@code Math.fma} is slow where the CPU lacks it. Sums are
 * taken in dimension order, so panel (one probe at a time here) and one-probe results agree to the bit.
 */
final class ScalarTileKernel implements TileKernel {

    @Override
    public int panelWidth() {
        return 1;
    }

    @Override
    public int pairGroups() {
        return 1;
    }

    @Override
    public void fp32Panel(
            float[] data,
            int dim,
            int g0,
            int g1,
            float[] panel,
            int panelGroups,
            float[] scores,
            int offset,
            int stride) {
        float[] q = new float[dim];
        for (int p = 0; p < panelGroups; p++) {
            System.arraycopy(panel, p * dim, q, 0, dim);
            fp32One(data, dim, g0, g1, q, scores, offset + p * stride);
        }
    }

    @Override
    public void fp32One(float[] data, int dim, int g0, int g1, float[] q, float[] scores, int offset) {
        for (int g = g0; g < g1; g++) {
            int base = g * dim * GROUP;
            float a0 = 0,
                    a1 = 0,
                    a2 = 0,
                    a3 = 0,
                    a4 = 0,
                    a5 = 0,
                    a6 = 0,
                    a7 = 0,
                    a8 = 0,
                    a9 = 0,
                    a10 = 0,
                    a11 = 0,
                    a12 = 0,
                    a13 = 0,
                    a14 = 0,
                    a15 = 0;
            for (int j = 0; j < dim; j++) {
                float x = q[j];
                int o = base + j * GROUP;
                a0 += data[o + 0] * x;
                a1 += data[o + 1] * x;
                a2 += data[o + 2] * x;
                a3 += data[o + 3] * x;
                a4 += data[o + 4] * x;
                a5 += data[o + 5] * x;
                a6 += data[o + 6] * x;
                a7 += data[o + 7] * x;
                a8 += data[o + 8] * x;
                a9 += data[o + 9] * x;
                a10 += data[o + 10] * x;
                a11 += data[o + 11] * x;
                a12 += data[o + 12] * x;
                a13 += data[o + 13] * x;
                a14 += data[o + 14] * x;
                a15 += data[o + 15] * x;
            }
            int out = offset + (g - g0) * GROUP;
            scores[out + 0] = a0;
            scores[out + 1] = a1;
            scores[out + 2] = a2;
            scores[out + 3] = a3;
            scores[out + 4] = a4;
            scores[out + 5] = a5;
            scores[out + 6] = a6;
            scores[out + 7] = a7;
            scores[out + 8] = a8;
            scores[out + 9] = a9;
            scores[out + 10] = a10;
            scores[out + 11] = a11;
            scores[out + 12] = a12;
            scores[out + 13] = a13;
            scores[out + 14] = a14;
            scores[out + 15] = a15;
        }
    }

    @Override
    public void fp16One(short[] data, int dim, int g0, int g1, float[] q, float[] scores, int offset) {
        for (int g = g0; g < g1; g++) {
            int base = g * dim * GROUP;
            float a0 = 0,
                    a1 = 0,
                    a2 = 0,
                    a3 = 0,
                    a4 = 0,
                    a5 = 0,
                    a6 = 0,
                    a7 = 0,
                    a8 = 0,
                    a9 = 0,
                    a10 = 0,
                    a11 = 0,
                    a12 = 0,
                    a13 = 0,
                    a14 = 0,
                    a15 = 0;
            for (int j = 0; j < dim; j++) {
                float x = q[j];
                int o = base + j * GROUP;
                a0 += Float.float16ToFloat(data[o + 0]) * x;
                a1 += Float.float16ToFloat(data[o + 1]) * x;
                a2 += Float.float16ToFloat(data[o + 2]) * x;
                a3 += Float.float16ToFloat(data[o + 3]) * x;
                a4 += Float.float16ToFloat(data[o + 4]) * x;
                a5 += Float.float16ToFloat(data[o + 5]) * x;
                a6 += Float.float16ToFloat(data[o + 6]) * x;
                a7 += Float.float16ToFloat(data[o + 7]) * x;
                a8 += Float.float16ToFloat(data[o + 8]) * x;
                a9 += Float.float16ToFloat(data[o + 9]) * x;
                a10 += Float.float16ToFloat(data[o + 10]) * x;
                a11 += Float.float16ToFloat(data[o + 11]) * x;
                a12 += Float.float16ToFloat(data[o + 12]) * x;
                a13 += Float.float16ToFloat(data[o + 13]) * x;
                a14 += Float.float16ToFloat(data[o + 14]) * x;
                a15 += Float.float16ToFloat(data[o + 15]) * x;
            }
            int out = offset + (g - g0) * GROUP;
            scores[out + 0] = a0;
            scores[out + 1] = a1;
            scores[out + 2] = a2;
            scores[out + 3] = a3;
            scores[out + 4] = a4;
            scores[out + 5] = a5;
            scores[out + 6] = a6;
            scores[out + 7] = a7;
            scores[out + 8] = a8;
            scores[out + 9] = a9;
            scores[out + 10] = a10;
            scores[out + 11] = a11;
            scores[out + 12] = a12;
            scores[out + 13] = a13;
            scores[out + 14] = a14;
            scores[out + 15] = a15;
        }
    }

    @Override
    public void int8One(byte[] data, int dim, int g0, int g1, float[] q, float[] scores, int offset) {
        for (int g = g0; g < g1; g++) {
            int base = g * dim * GROUP;
            float a0 = 0,
                    a1 = 0,
                    a2 = 0,
                    a3 = 0,
                    a4 = 0,
                    a5 = 0,
                    a6 = 0,
                    a7 = 0,
                    a8 = 0,
                    a9 = 0,
                    a10 = 0,
                    a11 = 0,
                    a12 = 0,
                    a13 = 0,
                    a14 = 0,
                    a15 = 0;
            for (int j = 0; j < dim; j++) {
                float x = q[j];
                int o = base + j * GROUP;
                a0 += data[o + 0] * x;
                a1 += data[o + 1] * x;
                a2 += data[o + 2] * x;
                a3 += data[o + 3] * x;
                a4 += data[o + 4] * x;
                a5 += data[o + 5] * x;
                a6 += data[o + 6] * x;
                a7 += data[o + 7] * x;
                a8 += data[o + 8] * x;
                a9 += data[o + 9] * x;
                a10 += data[o + 10] * x;
                a11 += data[o + 11] * x;
                a12 += data[o + 12] * x;
                a13 += data[o + 13] * x;
                a14 += data[o + 14] * x;
                a15 += data[o + 15] * x;
            }
            int out = offset + (g - g0) * GROUP;
            scores[out + 0] = a0;
            scores[out + 1] = a1;
            scores[out + 2] = a2;
            scores[out + 3] = a3;
            scores[out + 4] = a4;
            scores[out + 5] = a5;
            scores[out + 6] = a6;
            scores[out + 7] = a7;
            scores[out + 8] = a8;
            scores[out + 9] = a9;
            scores[out + 10] = a10;
            scores[out + 11] = a11;
            scores[out + 12] = a12;
            scores[out + 13] = a13;
            scores[out + 14] = a14;
            scores[out + 15] = a15;
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
