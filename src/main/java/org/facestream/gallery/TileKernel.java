package org.facestream.gallery;

/**
 * Scores a tile of rows against a block of probes, reading the interleaved layout of {@link FlatIndex}:
 * rows are stored in groups of {@link FlatIndex#GROUP} rows, and within a group dimension-major (value j
 * of row {@code g * GROUP + l} is at {@code (g * dim + j) * GROUP + l}), so one vector load yields the same
 * dimension of consecutive rows and a probe value is simply broadcast: no horizontal sums are needed.
 *
 * <p>Every method fills {@code scores[i * tileRows + r]} with the dot product of probe {@code p0 + i}
 * ({@code i < probeCount}) and row {@code g0 * GROUP + r} ({@code r < tileRows = (g1 - g0) * GROUP});
 * {@code g1 - g0} is even. Implementations are stateless and thread-safe.
 */
interface TileKernel {
    void fp32(float[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores);

    /** {@code probes} as returned by {@link #prepareFp16}. */
    void fp16(short[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores);

    /** Raw byte dot products; the caller multiplies by each row's scale. */
    void int8(byte[] data, int dim, int g0, int g1, float[][] probes, int p0, int probeCount, float[] scores);

    /** The probe as {@link #fp16} wants it (the vector kernel folds the half-to-float exponent bias into it). */
    float[] prepareFp16(float[] probe);

    /** A short name for logs and benchmark output. */
    String name();

    /**
     * The Vector API kernel when module {@code jdk.incubator.vector} is present and its preferred species
     * fits the layout, otherwise the scalar loops (logged once, since a scan then runs several times slower).
     */
    static TileKernel best() {
        return TileKernels.BEST;
    }
}
