package org.facestream.gallery;

/**
 * Scores a tile of rows against probes, reading the interleaved layout of {@link FlatIndex}: rows are stored
 * in groups of {@link FlatIndex#GROUP} rows, and within a group dimension-major (value j of row
 * {@code g * GROUP + l} is at {@code (g * dim + j) * GROUP + l}), so one vector load yields the same dimension
 * of consecutive rows and a probe value is simply broadcast: no horizontal sums are needed.
 *
 * <p>Two shapes of work. A <em>panel</em> of probes (several probes packed by {@link #packPanel}) is scored
 * by a register-blocked micro-kernel that reuses every row load for {@link #panelWidth} probes: compute-bound,
 * the batched path. A single probe is scored by a streaming kernel: memory-bound, the one-at-a-time path,
 * where compressed storage pays off because it reads fewer bytes.
 *
 * <p>Every scoring method fills {@code scores[offset + i * stride + r]} with the dot product of probe
 * {@code i} and row {@code g0 * GROUP + r} ({@code r < (g1 - g0) * GROUP}; the one-probe kernels have no
 * stride), each sum taken in the rows' dimension order, so the panel and the one-probe kernels of one
 * implementation agree to the bit; {@code g1 - g0} is a multiple of {@link #pairGroups}. Implementations are
 * stateless and thread-safe.
 */
interface TileKernel {
    /** Probes scored together by {@link #fp32Panel}: the micro-kernel's register block. */
    int panelWidth();

    /** Groups spanned by the micro-kernel's two columns of rows: 1 with 256-bit vectors, 2 with 512-bit. */
    int pairGroups();

    /**
     * Scores {@code panelGroups * panelWidth()} probes packed by {@link #packPanel} against groups
     * {@code [g0, g1)} of fp32 rows.
     */
    void fp32Panel(
            float[] data,
            int dim,
            int g0,
            int g1,
            float[] panel,
            int panelGroups,
            float[] scores,
            int offset,
            int stride);

    /**
     * {@link #fp32Panel} over half-precision rows: each column pair is widened exactly into {@code scratch}
     * (at least {@code pairGroups() * GROUP * dim} floats, small enough to stay in L1/L2) just before its
     * micro-kernels run, so the widening is paid once per panel rather than once per probe group.
     */
    default void fp16Panel(
            short[] data,
            int dim,
            int g0,
            int g1,
            float[] panel,
            int panelGroups,
            float[] scores,
            int stride,
            float[] scratch) {
        int step = pairGroups();
        for (int g = g0; g < g1; g += step) {
            widenFp16(data, dim, g, g + step, scratch);
            fp32Panel(scratch, dim, 0, step, panel, panelGroups, scores, (g - g0) * FlatIndex.GROUP, stride);
        }
    }

    /** {@link #fp16Panel} for int8 rows: raw byte dot products (the caller scales). */
    default void int8Panel(
            byte[] data,
            int dim,
            int g0,
            int g1,
            float[] panel,
            int panelGroups,
            float[] scores,
            int stride,
            float[] scratch) {
        int step = pairGroups();
        for (int g = g0; g < g1; g += step) {
            widenInt8(data, dim, g, g + step, scratch);
            fp32Panel(scratch, dim, 0, step, panel, panelGroups, scores, (g - g0) * FlatIndex.GROUP, stride);
        }
    }

    /** One fp32 probe against groups {@code [g0, g1)}. */
    void fp32One(float[] data, int dim, int g0, int g1, float[] probe, float[] scores, int offset);

    /** One probe as returned by {@link #prepareFp16} against groups {@code [g0, g1)} of half-precision rows. */
    void fp16One(short[] data, int dim, int g0, int g1, float[] probe, float[] scores, int offset);

    /** One probe against groups {@code [g0, g1)} of int8 rows: raw byte dot products (the caller scales). */
    void int8One(byte[] data, int dim, int g0, int g1, float[] probe, float[] scores, int offset);

    /**
     * Groups {@code [g0, g1)} of half-precision rows converted exactly to fp32 into {@code out} (same layout,
     * group {@code g0} at index 0), so the fp32 panel kernel scores them.
     */
    void widenFp16(short[] data, int dim, int g0, int g1, float[] out);

    /** Groups {@code [g0, g1)} of int8 rows converted exactly to fp32 into {@code out}, unscaled. */
    void widenInt8(byte[] data, int dim, int g0, int g1, float[] out);

    /** The probe as {@link #fp16One} wants it (the vector kernel folds the half-to-float exponent bias into it). */
    float[] prepareFp16(float[] probe);

    /**
     * The first index in {@code [from, to)} whose score is greater than {@code threshold}, or {@code to}: lets a
     * top-k sink skip the (vast majority of) scores that cannot enter its heap without a branch per score.
     */
    int nextAbove(float[] scores, int from, int to, float threshold);

    /** A short name for logs and benchmark output. */
    String name();

    /**
     * Packs probes {@code [p0, p0 + count)} for {@link #fp32Panel}: {@code ceil(count / width)} groups of
     * {@code width} probes, group {@code pg} holding value j of its probe {@code p} at
     * {@code (pg * dim + j) * width + p}, so the micro-kernel's broadcasts read one contiguous run; missing
     * probes of the last group are zero. Returns the number of groups.
     */
    static int packPanel(float[][] probes, int p0, int count, int width, int dim, float[] panel) {
        int groups = (count + width - 1) / width;
        for (int pg = 0; pg < groups; pg++) {
            for (int p = 0; p < width; p++) {
                int i = pg * width + p;
                int base = pg * dim * width + p;
                if (i < count) {
                    float[] q = probes[p0 + i];
                    for (int j = 0; j < dim; j++) {
                        panel[base + j * width] = q[j];
                    }
                } else {
                    for (int j = 0; j < dim; j++) {
                        panel[base + j * width] = 0f;
                    }
                }
            }
        }
        return groups;
    }

    /**
     * The Vector API kernel when module {@code jdk.incubator.vector} is present and its preferred species
     * fits the layout, otherwise the scalar loops (logged once, since a scan then runs several times slower).
     */
    static TileKernel best() {
        return TileKernels.BEST;
    }
}
