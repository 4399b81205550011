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
 * Vector API kernel. The panel micro-kernel scores {@link #P} probes x 2 columns of {@code L} rows with
 * {@code 2 P} accumulators held in registers: per dimension 2 row loads, {@code P} broadcasts and {@code 2 P}
 * FMAs, so it is bound by FMA throughput, not by loads. {@code P} is sized to the register file, counting
 * that C2 loads all {@code P} broadcasts of a dimension ahead of their FMAs: 4 with 256-bit vectors (AVX2's
 * 16 registers hold 8 accumulators, 2 rows and 4 broadcasts; measured on AMD Zen 2, 4 x 2 runs at about
 * 90% of the FMA peak, 6 x 2 and 8 x 2 spill and run at 50% and 65%), 8 with 512-bit vectors (32
 * registers: 16 + 2 + 8). Columns are the outer loop and probe groups the inner one, so each group of
 * rows is fetched from memory once per panel, in address order (the hardware prefetcher streams it), then
 * served from cache to the other probe groups; a tile's first probe group no longer waits on a burst of
 * memory reads.
 *
 * <p>The one-probe kernels stream 6 or 8 columns at a time (independent sums, several cache-line streams)
 * and are bound by memory: there the half and byte forms win by reading fewer bytes. Half
 * precision is widened with integer shifts (the sign-extended bits moved into float position, the exponent
 * bias folded into the probe by {@link #prepareFp16}), bytes by a byte-to-float conversion.
 *
 * <p>Loaded only by name from {@link TileKernels}, so the class never links when the module is absent.
 */
final class VectorTileKernel implements TileKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> H =
            L >= 4 ? VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16))) : null;
    private static final VectorSpecies<Byte> B =
            L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8))) : null;
    /** Probes per micro-kernel block (see the class comment). */
    private static final int P = L >= 16 ? 8 : 4;
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
    public int panelWidth() {
        return P;
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

    /** Half bits as floats 2^112 times too small (exact, subnormals included). */
    private static FloatVector half(short[] data, int offset) {
        // sign-extended half bits shifted by 13: bit 31 is the sign, bits 27..13 exponent and mantissa
        IntVector bits = (IntVector) ShortVector.fromArray(H, data, offset).convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats();
    }

    private static FloatVector bytes(byte[] data, int offset) {
        return (FloatVector) ByteVector.fromArray(B, data, offset).convertShape(VectorOperators.B2F, F, 0);
    }

    @Override
    public int pairGroups() {
        return 2 * L / GROUP;
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
        int cols = (g1 - g0) * GROUP / L;
        for (int c = 0; c < cols; c += 2) {
            int b0 = columnBase(g0, c, dim);
            int b1 = columnBase(g0, c + 1, dim);
            for (int pg = 0; pg < panelGroups; pg++) {
                int out = offset + pg * P * stride + c * L;
                if (P == 4) {
                    block4(data, dim, b0, b1, panel, pg * dim * P, scores, out, stride);
                } else {
                    block8(data, dim, b0, b1, panel, pg * dim * P, scores, out, stride);
                }
            }
        }
    }

    /** 4 probes x 2 columns: 8 accumulators, 2 row registers, 4 broadcasts. */
    private static void block4(
            float[] data, int dim, int b0, int b1, float[] panel, int q0, float[] scores, int out, int stride) {
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        for (int j = 0; j < dim; j++) {
            int o = j * GROUP;
            int q = q0 + j * 4;
            FloatVector r0 = FloatVector.fromArray(F, data, b0 + o);
            FloatVector r1 = FloatVector.fromArray(F, data, b1 + o);
            FloatVector x0 = FloatVector.broadcast(F, panel[q + 0]);
            a00 = r0.fma(x0, a00);
            a01 = r1.fma(x0, a01);
            FloatVector x1 = FloatVector.broadcast(F, panel[q + 1]);
            a10 = r0.fma(x1, a10);
            a11 = r1.fma(x1, a11);
            FloatVector x2 = FloatVector.broadcast(F, panel[q + 2]);
            a20 = r0.fma(x2, a20);
            a21 = r1.fma(x2, a21);
            FloatVector x3 = FloatVector.broadcast(F, panel[q + 3]);
            a30 = r0.fma(x3, a30);
            a31 = r1.fma(x3, a31);
        }
        a00.intoArray(scores, out + 0 * stride);
        a01.intoArray(scores, out + 0 * stride + L);
        a10.intoArray(scores, out + 1 * stride);
        a11.intoArray(scores, out + 1 * stride + L);
        a20.intoArray(scores, out + 2 * stride);
        a21.intoArray(scores, out + 2 * stride + L);
        a30.intoArray(scores, out + 3 * stride);
        a31.intoArray(scores, out + 3 * stride + L);
    }

    /** 8 probes x 2 columns: 16 accumulators, 2 row registers, 8 broadcasts. */
    private static void block8(
            float[] data, int dim, int b0, int b1, float[] panel, int q0, float[] scores, int out, int stride) {
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
            int q = q0 + j * 8;
            FloatVector r0 = FloatVector.fromArray(F, data, b0 + o);
            FloatVector r1 = FloatVector.fromArray(F, data, b1 + o);
            FloatVector x0 = FloatVector.broadcast(F, panel[q + 0]);
            a00 = r0.fma(x0, a00);
            a01 = r1.fma(x0, a01);
            FloatVector x1 = FloatVector.broadcast(F, panel[q + 1]);
            a10 = r0.fma(x1, a10);
            a11 = r1.fma(x1, a11);
            FloatVector x2 = FloatVector.broadcast(F, panel[q + 2]);
            a20 = r0.fma(x2, a20);
            a21 = r1.fma(x2, a21);
            FloatVector x3 = FloatVector.broadcast(F, panel[q + 3]);
            a30 = r0.fma(x3, a30);
            a31 = r1.fma(x3, a31);
            FloatVector x4 = FloatVector.broadcast(F, panel[q + 4]);
            a40 = r0.fma(x4, a40);
            a41 = r1.fma(x4, a41);
            FloatVector x5 = FloatVector.broadcast(F, panel[q + 5]);
            a50 = r0.fma(x5, a50);
            a51 = r1.fma(x5, a51);
            FloatVector x6 = FloatVector.broadcast(F, panel[q + 6]);
            a60 = r0.fma(x6, a60);
            a61 = r1.fma(x6, a61);
            FloatVector x7 = FloatVector.broadcast(F, panel[q + 7]);
            a70 = r0.fma(x7, a70);
            a71 = r1.fma(x7, a71);
        }
        a00.intoArray(scores, out + 0 * stride);
        a01.intoArray(scores, out + 0 * stride + L);
        a10.intoArray(scores, out + 1 * stride);
        a11.intoArray(scores, out + 1 * stride + L);
        a20.intoArray(scores, out + 2 * stride);
        a21.intoArray(scores, out + 2 * stride + L);
        a30.intoArray(scores, out + 3 * stride);
        a31.intoArray(scores, out + 3 * stride + L);
        a40.intoArray(scores, out + 4 * stride);
        a41.intoArray(scores, out + 4 * stride + L);
        a50.intoArray(scores, out + 5 * stride);
        a51.intoArray(scores, out + 5 * stride + L);
        a60.intoArray(scores, out + 6 * stride);
        a61.intoArray(scores, out + 6 * stride + L);
        a70.intoArray(scores, out + 7 * stride);
        a71.intoArray(scores, out + 7 * stride + L);
    }

    // Widening: plain loops, which C2 vectorises itself (vcvtph2ps for halves); measured 1.4-1.8x faster on
    // Zen 2 than the shift-and-mask vector form the one-probe kernel needs.
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
        FloatVector t = FloatVector.broadcast(F, threshold);
        int i = from;
        for (; i + L <= to; i += L) {
            if (FloatVector.fromArray(F, scores, i)
                    .compare(VectorOperators.GT, t)
                    .anyTrue()) {
                break;
            }
        }
        for (; i < to; i++) {
            if (scores[i] > threshold) {
                return i;
            }
        }
        return to;
    }

    @Override
    public void fp32One(float[] data, int dim, int g0, int g1, float[] probe, float[] scores, int offset) {
        int cols = (g1 - g0) * GROUP / L;
        int wide = cols / 8 * 8;
        fp32Stream8(data, dim, g0, 0, wide, probe, scores, offset);
        fp32Stream2(data, dim, g0, wide, cols, probe, scores, offset);
    }

    @Override
    public void fp16One(short[] data, int dim, int g0, int g1, float[] probe, float[] scores, int offset) {
        int cols = (g1 - g0) * GROUP / L;
        int wide = cols / 6 * 6;
        fp16Stream6(data, dim, g0, 0, wide, probe, scores, offset);
        fp16Stream2(data, dim, g0, wide, cols, probe, scores, offset);
    }

    @Override
    public void int8One(byte[] data, int dim, int g0, int g1, float[] probe, float[] scores, int offset) {
        int cols = (g1 - g0) * GROUP / L;
        int wide = cols / 8 * 8;
        int8Stream8(data, dim, g0, 0, wide, probe, scores, offset);
        int8Stream2(data, dim, g0, wide, cols, probe, scores, offset);
    }

    // One probe: one method per width keeps each compiled unit small enough for C2 to inline every vector op.
    // Columns in flight: 8 for fp32 and int8 (independent sums and cache-line streams), 6 for fp16, whose
    // widening needs more registers (measured on Zen 2 over 100k rows: fp32 8 columns 20 GB/s, 4 columns 13;
    // fp16 6 columns 13.6 GB/s, 4 columns 12.4, 8 columns 6.5; int8 8 columns 12.5 GB/s, 4 columns 7.4).
    /** Columns [c0, c1) of one probe, 8 at a time (c1 - c0 a multiple of 8). */
    private static void fp32Stream8(
            float[] data, int dim, int g0, int c0, int c1, float[] q, float[] scores, int offset) {
        for (int c = c0; c < c1; c += 8) {
            int b0 = columnBase(g0, c + 0, dim);
            int b1 = columnBase(g0, c + 1, dim);
            int b2 = columnBase(g0, c + 2, dim);
            int b3 = columnBase(g0, c + 3, dim);
            int b4 = columnBase(g0, c + 4, dim);
            int b5 = columnBase(g0, c + 5, dim);
            int b6 = columnBase(g0, c + 6, dim);
            int b7 = columnBase(g0, c + 7, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = FloatVector.fromArray(F, data, b0 + o).fma(x, a0);
                a1 = FloatVector.fromArray(F, data, b1 + o).fma(x, a1);
                a2 = FloatVector.fromArray(F, data, b2 + o).fma(x, a2);
                a3 = FloatVector.fromArray(F, data, b3 + o).fma(x, a3);
                a4 = FloatVector.fromArray(F, data, b4 + o).fma(x, a4);
                a5 = FloatVector.fromArray(F, data, b5 + o).fma(x, a5);
                a6 = FloatVector.fromArray(F, data, b6 + o).fma(x, a6);
                a7 = FloatVector.fromArray(F, data, b7 + o).fma(x, a7);
            }
            int out = offset + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + 1 * L);
            a2.intoArray(scores, out + 2 * L);
            a3.intoArray(scores, out + 3 * L);
            a4.intoArray(scores, out + 4 * L);
            a5.intoArray(scores, out + 5 * L);
            a6.intoArray(scores, out + 6 * L);
            a7.intoArray(scores, out + 7 * L);
        }
    }

    /** Columns [c0, c1) of one probe, 2 at a time (c1 - c0 a multiple of 2). */
    private static void fp32Stream2(
            float[] data, int dim, int g0, int c0, int c1, float[] q, float[] scores, int offset) {
        for (int c = c0; c < c1; c += 2) {
            int b0 = columnBase(g0, c + 0, dim);
            int b1 = columnBase(g0, c + 1, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = FloatVector.fromArray(F, data, b0 + o).fma(x, a0);
                a1 = FloatVector.fromArray(F, data, b1 + o).fma(x, a1);
            }
            int out = offset + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + 1 * L);
        }
    }

    /** Columns [c0, c1) of one probe, 6 at a time (c1 - c0 a multiple of 6). */
    private static void fp16Stream6(
            short[] data, int dim, int g0, int c0, int c1, float[] q, float[] scores, int offset) {
        for (int c = c0; c < c1; c += 6) {
            int b0 = columnBase(g0, c + 0, dim);
            int b1 = columnBase(g0, c + 1, dim);
            int b2 = columnBase(g0, c + 2, dim);
            int b3 = columnBase(g0, c + 3, dim);
            int b4 = columnBase(g0, c + 4, dim);
            int b5 = columnBase(g0, c + 5, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = half(data, b0 + o).fma(x, a0);
                a1 = half(data, b1 + o).fma(x, a1);
                a2 = half(data, b2 + o).fma(x, a2);
                a3 = half(data, b3 + o).fma(x, a3);
                a4 = half(data, b4 + o).fma(x, a4);
                a5 = half(data, b5 + o).fma(x, a5);
            }
            int out = offset + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + 1 * L);
            a2.intoArray(scores, out + 2 * L);
            a3.intoArray(scores, out + 3 * L);
            a4.intoArray(scores, out + 4 * L);
            a5.intoArray(scores, out + 5 * L);
        }
    }

    /** Columns [c0, c1) of one probe, 2 at a time (c1 - c0 a multiple of 2). */
    private static void fp16Stream2(
            short[] data, int dim, int g0, int c0, int c1, float[] q, float[] scores, int offset) {
        for (int c = c0; c < c1; c += 2) {
            int b0 = columnBase(g0, c + 0, dim);
            int b1 = columnBase(g0, c + 1, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = half(data, b0 + o).fma(x, a0);
                a1 = half(data, b1 + o).fma(x, a1);
            }
            int out = offset + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + 1 * L);
        }
    }

    /** Columns [c0, c1) of one probe, 8 at a time (c1 - c0 a multiple of 8). */
    private static void int8Stream8(
            byte[] data, int dim, int g0, int c0, int c1, float[] q, float[] scores, int offset) {
        for (int c = c0; c < c1; c += 8) {
            int b0 = columnBase(g0, c + 0, dim);
            int b1 = columnBase(g0, c + 1, dim);
            int b2 = columnBase(g0, c + 2, dim);
            int b3 = columnBase(g0, c + 3, dim);
            int b4 = columnBase(g0, c + 4, dim);
            int b5 = columnBase(g0, c + 5, dim);
            int b6 = columnBase(g0, c + 6, dim);
            int b7 = columnBase(g0, c + 7, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = bytes(data, b0 + o).fma(x, a0);
                a1 = bytes(data, b1 + o).fma(x, a1);
                a2 = bytes(data, b2 + o).fma(x, a2);
                a3 = bytes(data, b3 + o).fma(x, a3);
                a4 = bytes(data, b4 + o).fma(x, a4);
                a5 = bytes(data, b5 + o).fma(x, a5);
                a6 = bytes(data, b6 + o).fma(x, a6);
                a7 = bytes(data, b7 + o).fma(x, a7);
            }
            int out = offset + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + 1 * L);
            a2.intoArray(scores, out + 2 * L);
            a3.intoArray(scores, out + 3 * L);
            a4.intoArray(scores, out + 4 * L);
            a5.intoArray(scores, out + 5 * L);
            a6.intoArray(scores, out + 6 * L);
            a7.intoArray(scores, out + 7 * L);
        }
    }

    /** Columns [c0, c1) of one probe, 2 at a time (c1 - c0 a multiple of 2). */
    private static void int8Stream2(
            byte[] data, int dim, int g0, int c0, int c1, float[] q, float[] scores, int offset) {
        for (int c = c0; c < c1; c += 2) {
            int b0 = columnBase(g0, c + 0, dim);
            int b1 = columnBase(g0, c + 1, dim);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int j = 0; j < dim; j++) {
                int o = j * GROUP;
                FloatVector x = FloatVector.broadcast(F, q[j]);
                a0 = bytes(data, b0 + o).fma(x, a0);
                a1 = bytes(data, b1 + o).fma(x, a1);
            }
            int out = offset + c * L;
            a0.intoArray(scores, out);
            a1.intoArray(scores, out + 1 * L);
        }
    }
}
