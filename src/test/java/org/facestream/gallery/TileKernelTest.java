package org.facestream.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.facestream.gallery.FlatIndex.GROUP;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel against a plain reference taken in the same order with the same arithmetic (fused multiply-add
 * for the Vector API kernel, multiply then add for the scalar one), so results must agree to the bit: odd
 * dimensions, tiles starting past the first group, probe counts that leave the last panel group partial,
 * signed zeros, subnormal halves and extreme bytes.
 */
class TileKernelTest {
    private static final int[] DIMS = {1, 7, 33, 130, 512};

    static List<TileKernel> kernels() {
        return List.of(new ScalarTileKernel(), new VectorTileKernel());
    }

    private static boolean fused(TileKernel k) {
        return k instanceof VectorTileKernel;
    }

    private static float ref(TileKernel k, float[] rowValues, float[] q) {
        float s = 0;
        for (int j = 0; j < q.length; j++) {
            s = fused(k) ? Math.fma(rowValues[j], q[j], s) : s + rowValues[j] * q[j];
        }
        return s;
    }

    /** Value j of row r of an interleaved array. */
    private static int at(int r, int j, int dim) {
        return (r / GROUP * dim + j) * GROUP + r % GROUP;
    }

    private static float[] probe(Random random, int dim) {
        float[] q = new float[dim];
        for (int j = 0; j < dim; j++) {
            q[j] = random.nextFloat() * 2 - 1; // max-abs below 1, as FlatIndex scales compressed-storage probes
        }
        if (dim > 3) {
            q[1] = -0f;
            q[2] = 0f;
        }
        return q;
    }

    private static float[][] probes(Random random, int n, int dim) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = probe(random, dim);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void fp32PanelAndOneProbeKernelsEqualTheReferenceToTheBit(TileKernel k) {
        Random random = new Random(1);
        for (int dim : DIMS) {
            int groups = 12; // a tile of 10 groups: every one-probe width and its remainder run
            float[] data = new float[groups * GROUP * dim];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) random.nextGaussian();
            }
            int g0 = 2;
            data[at(g0 * GROUP + 1, 0, dim)] = Float.MIN_VALUE; // a subnormal row value
            int g1 = 12;
            int tileRows = (g1 - g0) * GROUP;
            for (int n : new int[] {1, k.panelWidth() - 1, k.panelWidth(), 2 * k.panelWidth() + 1}) {
                if (n < 1) {
                    continue;
                }
                float[][] q = probes(random, n, dim);
                float[] panel = new float[(n + k.panelWidth()) * dim];
                int pgs = TileKernel.packPanel(q, 0, n, k.panelWidth(), dim, panel);
                assertThat(pgs).isEqualTo((n + k.panelWidth() - 1) / k.panelWidth());
                float[] scores = new float[pgs * k.panelWidth() * tileRows];
                k.fp32Panel(data, dim, g0, g1, panel, pgs, scores, 0, tileRows);
                float[] one = new float[3 + tileRows];
                for (int i = 0; i < n; i++) {
                    k.fp32One(data, dim, g0, g1, q[i], one, 3);
                    for (int r = 0; r < tileRows; r++) {
                        float expected = ref(k, rowOf(data, g0 * GROUP + r, dim), q[i]);
                        assertThat(scores[i * tileRows + r])
                                .as("%s dim %d probe %d of %d row %d", k.name(), dim, i, n, r)
                                .isEqualTo(expected);
                        assertThat(one[3 + r])
                                .as("%s one-probe dim %d row %d", k.name(), dim, r)
                                .isEqualTo(expected);
                    }
                }
                for (int i = n; i < pgs * k.panelWidth(); i++) {
                    for (int r = 0; r < tileRows; r++) {
                        assertThat(scores[i * tileRows + r])
                                .as("padding probe %d", i)
                                .isZero();
                    }
                }
            }
        }
    }

    private static float[] rowOf(float[] data, int r, int dim) {
        float[] v = new float[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = data[at(r, j, dim)];
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void halfKernelsWidenExactlyAndScoreAsTheWidenedRowsOneProbeAndPanel(TileKernel k) {
        Random random = new Random(2);
        for (int dim : DIMS) {
            int groups = 12;
            short[] data = new short[groups * GROUP * dim];
            for (int i = 0; i < data.length; i++) {
                data[i] = Float.floatToFloat16((float) random.nextGaussian() * 0.1f);
            }
            // the extremes of half precision: smallest subnormal, largest subnormal, smallest normal, largest finite
            short[] special = {(short) 0x0001, (short) 0x83FF, (short) 0x0400, (short) 0x7BFF, (short) 0x8000, 0};
            for (int s = 0; s < special.length && s < data.length; s++) {
                data[at(GROUP * 2 + s, 0, dim)] = special[s];
            }
            float[] wide = new float[10 * GROUP * dim];
            k.widenFp16(data, dim, 2, 12, wide);
            for (int i = 0; i < wide.length; i++) {
                assertThat(wide[i]).isEqualTo(Float.float16ToFloat(data[2 * GROUP * dim + i]));
            }
            float[] q = probe(random, dim);
            float[] scores = new float[10 * GROUP];
            k.fp16One(data, dim, 2, 12, k.prepareFp16(q), scores, 0);
            for (int r = 0; r < 10 * GROUP; r++) {
                float[] v = rowOf(wide, r, dim);
                assertThat(scores[r]).as("%s dim %d row %d", k.name(), dim, r).isEqualTo(ref(k, v, q));
            }
            float[][] qs = probes(random, k.panelWidth() + 1, dim);
            float[] panel = new float[2 * k.panelWidth() * dim];
            int pgs = TileKernel.packPanel(qs, 0, qs.length, k.panelWidth(), dim, panel);
            int stride = 10 * GROUP;
            float[] panelScores = new float[pgs * k.panelWidth() * stride];
            k.fp16Panel(data, dim, 2, 12, panel, pgs, panelScores, stride, new float[k.pairGroups() * GROUP * dim]);
            for (int i = 0; i < qs.length; i++) {
                for (int r = 0; r < stride; r++) {
                    assertThat(panelScores[i * stride + r])
                            .as("%s panel dim %d probe %d row %d", k.name(), dim, i, r)
                            .isEqualTo(ref(k, rowOf(wide, r, dim), qs[i]));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void int8KernelsWidenExactlyAndScoreAsTheWidenedRowsOneProbeAndPanel(TileKernel k) {
        Random random = new Random(3);
        for (int dim : DIMS) {
            int groups = 10;
            byte[] data = new byte[groups * GROUP * dim];
            random.nextBytes(data);
            data[at(0, 0, dim)] = Byte.MIN_VALUE;
            data[at(1, 0, dim)] = Byte.MAX_VALUE;
            float[] wide = new float[10 * GROUP * dim];
            k.widenInt8(data, dim, 0, 10, wide);
            for (int i = 0; i < wide.length; i++) {
                assertThat(wide[i]).isEqualTo((float) data[i]);
            }
            float[] q = probe(random, dim);
            float[] scores = new float[10 * GROUP + 5];
            k.int8One(data, dim, 0, 10, q, scores, 5);
            for (int r = 0; r < 10 * GROUP; r++) {
                assertThat(scores[5 + r])
                        .as("%s dim %d row %d", k.name(), dim, r)
                        .isEqualTo(ref(k, rowOf(wide, r, dim), q));
            }
            float[][] qs = probes(random, 2 * k.panelWidth() - 1, dim);
            float[] panel = new float[2 * k.panelWidth() * dim];
            int pgs = TileKernel.packPanel(qs, 0, qs.length, k.panelWidth(), dim, panel);
            int stride = 10 * GROUP;
            float[] panelScores = new float[pgs * k.panelWidth() * stride];
            k.int8Panel(data, dim, 0, 10, panel, pgs, panelScores, stride, new float[k.pairGroups() * GROUP * dim]);
            for (int i = 0; i < qs.length; i++) {
                for (int r = 0; r < stride; r++) {
                    assertThat(panelScores[i * stride + r])
                            .as("%s panel dim %d probe %d row %d", k.name(), dim, i, r)
                            .isEqualTo(ref(k, rowOf(wide, r, dim), qs[i]));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void nextAboveFindsTheFirstScoreAboveTheThreshold(TileKernel k) {
        Random random = new Random(4);
        float[] scores = new float[300];
        for (int trial = 0; trial < 2000; trial++) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = random.nextFloat();
            }
            float threshold = 1 - (float) Math.pow(random.nextFloat(), 3) * 0.05f;
            int from = random.nextInt(scores.length);
            int to = from + random.nextInt(scores.length - from + 1);
            if (trial % 7 == 0 && to > from) {
                scores[to - 1] = threshold; // equal is not above
            }
            int expected = to;
            for (int i = from; i < to; i++) {
                if (scores[i] > threshold) {
                    expected = i;
                    break;
                }
            }
            assertThat(k.nextAbove(scores, from, to, threshold)).isEqualTo(expected);
        }
    }
}
