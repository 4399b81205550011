package org.facestream.gallery;

import static org.facestream.gallery.FlatIndex.GROUP;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernel: a micro-kernel of 8 probes x 2 columns of {@code L} rows keeps 16 accumulators in
 * registers and per dimension issues 2 row loads, 8 broadcasts and 16 FMAs, so it is bound by FMA
 * throughput, not by loads; the probes of a block stay in L1/L2 while the tile of rows is reused by every
 * probe group (the caller sizes tiles for L2). Remaining probes (fewer than 8) use a 1-probe kernel, which is
 * also the one-query-at-a-time path and is bound by memory bandwidth.
 *
 * <p>Loaded only by name from {@link TileKernels}, so the class never links when the module is absent.
 * The three element types share one hand-unrolled shape; only the column load differs.
 */
final class VectorTileKernel implements TileKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> H =
            L >= 4 ? VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16))) : null;
    private static final VectorSpecies<Byte> B =
            L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8))) : null;
    /** fp16 bits moved into float position: the exponent is then 112 too small, folded into the probe. */
    private static final float HALF_BIAS = 0x1p112f;

    VectorTileKernel() {
        if (L < 8 || GROUP % L != 0) {
            throw new IllegalStateException("expected a preferred species of 8 or 16 float lanes, found " + L);
        }
    }

    @Override
    public String name() {
        return "vector-" + F.vectorBitSize() + "bit";
    }

    @Override
    public float[] prepareFp16(float[] probe) {
        float[] p = new float[probe.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = probe[j] * HALF_BIAS;
        }
        return p;
    }

    private static int columnBase(int g0, int c, int dim) {
        int perGroup = GROUP / L;
        return (g0 + c / perGroup) * dim * GROUP + (c % perGroup) * L;
    }

    private static FloatVector half(short[] data, int offset) {
        // sign-extended half bits shifted by 13: bit 31 is the sign, bits 27..13 exponent and mantissa
        IntVector bits = (IntVector) ShortVector.fromArray(H, data, offset).convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats();
    }

    private static FloatVector bytes(byte[] data, int offset) {
        return (FloatVector) ByteVector.fromArray(B, data, offset).convertShape(VectorOperators.B2F, F, 0);
    }

    @Override
    public void fp32(float[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores) {
        int tileRows = (g1 - g0) * GROUP;
        int cols = tileRows / L;
        int i = 0;
        for (; i + 8 <= probeCount; i += 8) {
            float[] q0 = probes[p0 + i + 0];
            float[] q1 = probes[p0 + i + 1];
            float[] q2 = probes[p0 + i + 2];
            float[] q3 = probes[p0 + i + 3];
            float[] q4 = probes[p0 + i + 4];
            float[] q5 = probes[p0 + i + 5];
            float[] q6 = probes[p0 + i + 6];
            float[] q7 = probes[p0 + i + 7];
            for (int c = 0; c < cols; c += 2) {
                int b0 = columnBase(g0, c, dim);
                int b1 = columnBase(g0, c + 1, dim);
                FloatVector a00 = FloatVector.zero(F);
                FloatVector a01 = FloatVector.zero(F);
                FloatVector a10 = FloatVector.zero(F);
                FloatVector a11 = FloatVector.zero(F);
                FloatVector a20 = FloatVector.zero(F);
                FloatVector a21 = FloatVector.zero(F);
                FloatVector a30 = FloatVector.zero(F);
                FloatVector a31 = FloatVector.zero(F);
                FloatVector a40 = FloatVector.zero(F);
                FloatVector a41 = FloatVector.zero(F);
                FloatVector a50 = FloatVector.zero(F);
                FloatVector a51 = FloatVector.zero(F);
                FloatVector a60 = FloatVector.zero(F);
                FloatVector a61 = FloatVector.zero(F);
                FloatVector a70 = FloatVector.zero(F);
                FloatVector a71 = FloatVector.zero(F);
                for (int j = 0; j < dim; j++) {
                    int o = j * GROUP;
                    FloatVector r0 = FloatVector.fromArray(F, data, b0 + o);
                    FloatVector r1 = FloatVector.fromArray(F, data, b1 + o);
                    FloatVector x0 = FloatVector.broadcast(F, q0[j]);
                    a00 = r0.fma(x0, a00);
                    a01 = r1.fma(x0, a01);
                    FloatVector x1 = FloatVector.broadcast(F, q1[j]);
                    a10 = r0.fma(x1, a10);
                    a11 = r1.fma(x1, a11);
                    FloatVector x2 = FloatVector.broadcast(F, q2[j]);
                    a20 = r0.fma(x2, a20);
                    a21 = r1.fma(x2, a21);
                    FloatVector x3 = FloatVector.broadcast(F, q3[j]);
                    a30 = r0.fma(x3, a30);
                    a31 = r1.fma(x3, a31);
                    FloatVector x4 = FloatVector.broadcast(F, q4[j]);
                    a40 = r0.fma(x4, a40);
                    a41 = r1.fma(x4, a41);
                    FloatVector x5 = FloatVector.broadcast(F, q5[j]);
                    a50 = r0.fma(x5, a50);
                    a51 = r1.fma(x5, a51);
                    FloatVector x6 = FloatVector.broadcast(F, q6[j]);
                    a60 = r0.fma(x6, a60);
                    a61 = r1.fma(x6, a61);
                    FloatVector x7 = FloatVector.broadcast(F, q7[j]);
                    a70 = r0.fma(x7, a70);
                    a71 = r1.fma(x7, a71);
                }
                int out = i * tileRows + c * L;
                a00.intoArray(scores, out + 0 * tileRows);
                a01.intoArray(scores, out + 0 * tileRows + L);
                a10.intoArray(scores, out + 1 * tileRows);
                a11.intoArray(scores, out + 1 * tileRows + L);
                a20.intoArray(scores, out + 2 * tileRows);
                a21.intoArray(scores, out + 2 * tileRows + L);
                a30.intoArray(scores, out + 3 * tileRows);
                a31.intoArray(scores, out + 3 * tileRows + L);
                a40.intoArray(scores, out + 4 * tileRows);
                a41.intoArray(scores, out + 4 * tileRows + L);
                a50.intoArray(scores, out + 5 * tileRows);
                a51.intoArray(scores, out + 5 * tileRows + L);
                a60.intoArray(scores, out + 6 * tileRows);
                a61.intoArray(scores, out + 6 * tileRows + L);
                a70.intoArray(scores, out + 7 * tileRows);
                a71.intoArray(scores, out + 7 * tileRows + L);
            }
        }
        for (; i < probeCount; i++) {
            fp32One(data, dim, g0, cols, tileRows, probes[p0 + i], i, scores);
        }
    }

    @Override
    public void fp16(short[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores) {
        int tileRows = (g1 - g0) * GROUP;
        int cols = tileRows / L;
        int i = 0;
        for (; i + 8 <= probeCount; i += 8) {
            float[] q0 = probes[p0 + i + 0];
            float[] q1 = probes[p0 + i + 1];
            float[] q2 = probes[p0 + i + 2];
            float[] q3 = probes[p0 + i + 3];
            float[] q4 = probes[p0 + i + 4];
            float[] q5 = probes[p0 + i + 5];
            float[] q6 = probes[p0 + i + 6];
            float[] q7 = probes[p0 + i + 7];
            for (int c = 0; c < cols; c += 2) {
                int b0 = columnBase(g0, c, dim);
                int b1 = columnBase(g0, c + 1, dim);
                FloatVector a00 = FloatVector.zero(F);
                FloatVector a01 = FloatVector.zero(F);
                FloatVector a10 = FloatVector.zero(F);
                FloatVector a11 = FloatVector.zero(F);
                FloatVector a20 = FloatVector.zero(F);
                FloatVector a21 = FloatVector.zero(F);
                FloatVector a30 = FloatVector.zero(F);
                FloatVector a31 = FloatVector.zero(F);
                FloatVector a40 = FloatVector.zero(F);
                FloatVector a41 = FloatVector.zero(F);
                FloatVector a50 = FloatVector.zero(F);
                FloatVector a51 = FloatVector.zero(F);
                FloatVector a60 = FloatVector.zero(F);
                FloatVector a61 = FloatVector.zero(F);
                FloatVector a70 = FloatVector.zero(F);
                FloatVector a71 = FloatVector.zero(F);
                for (int j = 0; j < dim; j++) {
                    int o = j * GROUP;
                    FloatVector r0 = half(data, b0 + o);
                    FloatVector r1 = half(data, b1 + o);
                    FloatVector x0 = FloatVector.broadcast(F, q0[j]);
                    a00 = r0.fma(x0, a00);
                    a01 = r1.fma(x0, a01);
                    FloatVector x1 = FloatVector.broadcast(F, q1[j]);
                    a10 = r0.fma(x1, a10);
                    a11 = r1.fma(x1, a11);
                    FloatVector x2 = FloatVector.broadcast(F, q2[j]);
                    a20 = r0.fma(x2, a20);
                    a21 = r1.fma(x2, a21);
                    FloatVector x3 = FloatVector.broadcast(F, q3[j]);
                    a30 = r0.fma(x3, a30);
                    a31 = r1.fma(x3, a31);
                    FloatVector x4 = FloatVector.broadcast(F, q4[j]);
                    a40 = r0.fma(x4, a40);
                    a41 = r1.fma(x4, a41);
                    FloatVector x5 = FloatVector.broadcast(F, q5[j]);
                    a50 = r0.fma(x5, a50);
                    a51 = r1.fma(x5, a51);
                    FloatVector x6 = FloatVector.broadcast(F, q6[j]);
                    a60 = r0.fma(x6, a60);
                    a61 = r1.fma(x6, a61);
                    FloatVector x7 = FloatVector.broadcast(F, q7[j]);
                    a70 = r0.fma(x7, a70);
                    a71 = r1.fma(x7, a71);
                }
                int out = i * tileRows + c * L;
                a00.intoArray(scores, out + 0 * tileRows);
                a01.intoArray(scores, out + 0 * tileRows + L);
                a10.intoArray(scores, out + 1 * tileRows);
                a11.intoArray(scores, out + 1 * tileRows + L);
                a20.intoArray(scores, out + 2 * tileRows);
                a21.intoArray(scores, out + 2 * tileRows + L);
                a30.intoArray(scores, out + 3 * tileRows);
                a31.intoArray(scores, out + 3 * tileRows + L);
                a40.intoArray(scores, out + 4 * tileRows);
                a41.intoArray(scores, out + 4 * tileRows + L);
                a50.intoArray(scores, out + 5 * tileRows);
                a51.intoArray(scores, out + 5 * tileRows + L);
                a60.intoArray(scores, out + 6 * tileRows);
                a61.intoArray(scores, out + 6 * tileRows + L);
                a70.intoArray(scores, out + 7 * tileRows);
                a71.intoArray(scores, out + 7 * tileRows + L);
            }
        }
        for (; i < probeCount; i++) {
            fp16One(data, dim, g0, cols, tileRows, probes[p0 + i], i, scores);
        }
    }

    @Override
    public void int8(byte[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores) {
        int tileRows = (g1 - g0) * GROUP;
        int cols = tileRows / L;
        int i = 0;
        for (; i + 8 <= probeCount; i += 8) {
            float[] q0 = probes[p0 + i + 0];
            float[] q1 = probes[p0 + i + 1];
            float[] q2 = probes[p0 + i + 2];
            float[] q3 = probes[p0 + i + 3];
            float[] q4 = probes[p0 + i + 4];
            float[] q5 = probes[p0 + i + 5];
            float[] q6 = probes[p0 + i + 6];
            float[] q7 = probes[p0 + i + 7];
            for (int c = 0; c < cols; c += 2) {
                int b0 = columnBase(g0, c, dim);
                int b1 = columnBase(g0, c + 1, dim);
                FloatVector a00 = FloatVector.zero(F);
                FloatVector a01 = FloatVector.zero(F);
                FloatVector a10 = FloatVector.zero(F);
                FloatVector a11 = FloatVector.zero(F);
                FloatVector a20 = FloatVector.zero(F);
                FloatVector a21 = FloatVector.zero(F);
                FloatVector a30 = FloatVector.zero(F);
                FloatVector a31 = FloatVector.zero(F);
                FloatVector a40 = FloatVector.zero(F);
                FloatVector a41 = FloatVector.zero(F);
                FloatVector a50 = FloatVector.zero(F);
                FloatVector a51 = FloatVector.zero(F);
                FloatVector a60 = FloatVector.zero(F);
                FloatVector a61 = FloatVector.zero(F);
                FloatVector a70 = FloatVector.zero(F);
                FloatVector a71 = FloatVector.zero(F);
                for (int j = 0; j < dim; j++) {
                    int o = j * GROUP;
                    FloatVector r0 = bytes(data, b0 + o);
                    FloatVector r1 = bytes(data, b1 + o);
                    FloatVector x0 = FloatVector.broadcast(F, q0[j]);
                    a00 = r0.fma(x0, a00);
                    a01 = r1.fma(x0, a01);
                    FloatVector x1 = FloatVector.broadcast(F, q1[j]);
                    a10 = r0.fma(x1, a10);
                    a11 = r1.fma(x1, a11);
                    FloatVector x2 = FloatVector.broadcast(F, q2[j]);
                    a20 = r0.fma(x2, a20);
                    a21 = r1.fma(x2, a21);
                    FloatVector x3 = FloatVector.broadcast(F, q3[j]);
                    a30 = r0.fma(x3, a30);
                    a31 = r1.fma(x3, a31);
                    FloatVector x4 = FloatVector.broadcast(F, q4[j]);
                    a40 = r0.fma(x4, a40);
                    a41 = r1.fma(x4, a41);
                    FloatVector x5 = FloatVector.broadcast(F, q5[j]);
                    a50 = r0.fma(x5, a50);
                    a51 = r1.fma(x5, a51);
                    FloatVector x6 = FloatVector.broadcast(F, q6[j]);
                    a60 = r0.fma(x6, a60);
                    a61 = r1.fma(x6, a61);
                    FloatVector x7 = FloatVector.broadcast(F, q7[j]);
                    a70 = r0.fma(x7, a70);
                    a71 = r1.fma(x7, a71);
                }
                int out = i * tileRows + c * L;
                a00.intoArray(scores, out + 0 * tileRows);
                a01.intoArray(scores, out + 0 * tileRows + L);
                a10.intoArray(scores, out + 1 * tileRows);
                a11.intoArray(scores, out + 1 * tileRows + L);
                a20.intoArray(scores, out + 2 * tileRows);
                a21.intoArray(scores, out + 2 * tileRows + L);
                a30.intoArray(scores, out + 3 * tileRows);
                a31.intoArray(scores, out + 3 * tileRows + L);
                a40.intoArray(scores, out + 4 * tileRows);
                a41.intoArray(scores, out + 4 * tileRows + L);
                a50.intoArray(scores, out + 5 * tileRows);
                a51.intoArray(scores, out + 5 * tileRows + L);
                a60.intoArray(scores, out + 6 * tileRows);
                a61.intoArray(scores, out + 6 * tileRows + L);
                a70.intoArray(scores, out + 7 * tileRows);
                a71.intoArray(scores, out + 7 * tileRows + L);
            }
        }
        for (; i < probeCount; i++) {
            int8One(data, dim, g0, cols, tileRows, probes[p0 + i], i, scores);
        }
    }

    /** One probe: a separate method keeps each compiled unit small enough for C2 to inline the vector ops. */
    private static void fp32One(
            float[] data, int dim, int g0, int cols, int tileRows, float[] q, int i, float[] scores) {
        int c = 0;
        // four columns in flight: four independent memory streams keep more cache-line fetches outstanding
        for (; c + 4 <= cols; c += 4) {
            int b0 = columnBase(g0, c, dim);
            int b1 = columnBase(g0, c + 1, dim);
            int b2 = columnBase(g0, c + 2, dim);
            int b3 = columnBase(g0, c + 3, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = FloatVector.fromArray(F, data, b0 + o).fma(x, a0);
                a1 = FloatVector.fromArray(F, data, b1 + o).fma(x, a1);
                a2 = FloatVector.fromArray(F, data, b2 + o).fma(x, a2);
                a3 = FloatVector.fromArray(F, data, b3 + o).fma(x, a3);
            }
            int out = i * tileRows + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + L);
            a2.intoArray(scores, out + 2 * L);
            a3.intoArray(scores, out + 3 * L);
        }
        for (; c < cols; c += 2) {
            int b0 = columnBase(g0, c, dim);
            int b1 = columnBase(g0, c + 1, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = FloatVector.fromArray(F, data, b0 + o).fma(x, a0);
                a1 = FloatVector.fromArray(F, data, b1 + o).fma(x, a1);
            }
            int out = i * tileRows + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + L);
        }
    }

    /** One probe: a separate method keeps each compiled unit small enough for C2 to inline the vector ops. */
    private static void fp16One(
            short[] data, int dim, int g0, int cols, int tileRows, float[] q, int i, float[] scores) {
        int c = 0;
        // four columns in flight: four independent memory streams keep more cache-line fetches outstanding
        for (; c + 4 <= cols; c += 4) {
            int b0 = columnBase(g0, c, dim);
            int b1 = columnBase(g0, c + 1, dim);
            int b2 = columnBase(g0, c + 2, dim);
            int b3 = columnBase(g0, c + 3, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = half(data, b0 + o).fma(x, a0);
                a1 = half(data, b1 + o).fma(x, a1);
                a2 = half(data, b2 + o).fma(x, a2);
                a3 = half(data, b3 + o).fma(x, a3);
            }
            int out = i * tileRows + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + L);
            a2.intoArray(scores, out + 2 * L);
            a3.intoArray(scores, out + 3 * L);
        }
        for (; c < cols; c += 2) {
            int b0 = columnBase(g0, c, dim);
            int b1 = columnBase(g0, c + 1, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = half(data, b0 + o).fma(x, a0);
                a1 = half(data, b1 + o).fma(x, a1);
            }
            int out = i * tileRows + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + L);
        }
    }

    /** One probe: a separate method keeps each compiled unit small enough for C2 to inline the vector ops. */
    private static void int8One(
            byte[] data, int dim, int g0, int cols, int tileRows, float[] q, int i, float[] scores) {
        int c = 0;
        // four columns in flight: four independent memory streams keep more cache-line fetches outstanding
        for (; c + 4 <= cols; c += 4) {
            int b0 = columnBase(g0, c, dim);
            int b1 = columnBase(g0, c + 1, dim);
            int b2 = columnBase(g0, c + 2, dim);
            int b3 = columnBase(g0, c + 3, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = bytes(data, b0 + o).fma(x, a0);
                a1 = bytes(data, b1 + o).fma(x, a1);
                a2 = bytes(data, b2 + o).fma(x, a2);
                a3 = bytes(data, b3 + o).fma(x, a3);
            }
            int out = i * tileRows + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + L);
            a2.intoArray(scores, out + 2 * L);
            a3.intoArray(scores, out + 3 * L);
        }
        for (; c < cols; c += 2) {
            int b0 = columnBase(g0, c, dim);
            int b1 = columnBase(g0, c + 1, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = bytes(data, b0 + o).fma(x, a0);
                a1 = bytes(data, b1 + o).fma(x, a1);
            }
            int out = i * tileRows + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + L);
        }
    }
}
