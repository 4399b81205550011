package org.facestream.gallery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Exact inner-product top-k over rows of a fixed dimension: the search engine under {@link GalleryIndex},
 * usable on its own where rows rather than subjects are wanted (the {@code bench match} command).
 *
 * <p>Layout: rows are held in groups of {@link #GROUP}; inside a group the values are dimension-major (the
 * 16 rows' value j are adjacent), so the kernel loads one vector per dimension and broadcasts the probe's
 * value, with no horizontal sums (see {@link TileKernel}). The fp32 array is the only full-size array for
 * {@link Storage#FP32}: memory is the raw vectors plus padding to a multiple of 32 rows plus growth slack
 * (none when the capacity is given up front). Compressed storage adds its copy (half or a quarter more).
 *
 * <p>Search: three probes or more are packed into panels of up to {@value #PROBE_BLOCK}, and the panel
 * micro-kernel reads each group of rows from memory once per panel, in address order, then from cache for
 * every probe of the panel: the blocking that lets a BLAS matrix product run at the FMA units' speed rather
 * than at memory speed. One or two probes take the streaming kernel, which is bound by memory bandwidth.
 * Each probe keeps a bounded min-heap of its best rows, fed through a vector gate that skips the scores
 * below its worst kept row; with several threads each thread scans one contiguous shard of rows with its
 * own heaps, merged at the end.
 *
 * <p>Compressed storage scans the fp16 or int8 copy, keeps {@link SearchOptions#rerankCandidates} candidates
 * per probe, and re-scores them in fp32 best first until the remaining ones provably cannot enter the top k
 * (an upper bound on the scan's error, kept from the rows' compression errors, against the k-th exact
 * score); when the candidates cannot prove it, that probe is searched again in fp32. Results are therefore
 * exactly those of fp32 storage, rows and scores.
 *
 * <p>Updates are incremental: {@link #add} appends, {@link #swapRemove} moves the last row into the freed
 * slot. Thread safety: not thread-safe; concurrent searches are safe only when no update runs at the same
 * time ({@link GalleryIndex} guards it with a read-write lock). The worker threads (when {@code threads > 1})
 * are daemon threads created on first use and kept for the index's lifetime.
 */
public final class FlatIndex {
    /** Rows per interleaved group; the Vector API kernel loads 16 (AVX-512) or 8 (AVX2) lanes of a group. */
    public static final int GROUP = 16;
    /** Capacity granule: the kernel works on pairs of groups. */
    private static final int GRANULE = 2 * GROUP;
    /** Probes packed into one panel (1 MiB at dimension 512): the gallery is read from memory once per panel. */
    private static final int PROBE_BLOCK = 512;
    /** Rows handed to the sinks at once (128); the kernels' own order within a tile is theirs. */
    private static final int TILE_GROUPS = 8;
    /**
     * Fewer probes than this are scored one at a time by the streaming kernel, more by the panel kernel (with
     * 2 probes both cost the same in fp32, and widening compressed rows for a panel of 2 does not pay).
     */
    static final int PANEL_MIN_PROBES = 3;

    private final int dimension;
    private final SearchOptions options;
    private final TileKernel kernel;
    private float[] data;
    private short[] half;
    private byte[] quant;
    private float[] quantScale;
    private int size;
    private int capacity;
    private ExecutorService workers;
    /**
     * For compressed storage, maxima over every row written since construction (never lowered, so they stay
     * upper bounds after removals): the Euclidean norm of the fp32 row, of its compressed form (as the scan
     * reads it, scale included) and of the difference. They bound how far a scan score can be from the exact one.
     */
    private double maxRowNorm;

    private double maxCompressedNorm;
    private double maxErrorNorm;
    private final LongAdder rescored = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();

    /**
     * An empty index.
     *
     * @param initialCapacity rows to allocate up front (exactly, rounded up to 32): give the final size when
     *     it is known so the fp32 array is never copied to grow
     */
    public FlatIndex(int dimension, int initialCapacity, SearchOptions options) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("expected a positive dimension, found " + dimension);
        }
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("expected a non-negative initial capacity, found " + initialCapacity);
        }
        this.dimension = dimension;
        this.options = options;
        this.kernel = TileKernel.best();
        this.data = new float[0];
        if (options.storage() == Storage.FP16) {
            half = new short[0];
        } else if (options.storage() == Storage.INT8) {
            quant = new byte[0];
            quantScale = new float[0];
        }
        ensureCapacity(initialCapacity);
    }

    public int dimension() {
        return dimension;
    }

    public int size() {
        return size;
    }

    public SearchOptions options() {
        return options;
    }

    /** Name of the scan kernel in use ("vector-512bit", "scalar"), for logs and benchmark output. */
    public static String kernelName() {
        return TileKernel.best().name();
    }

    /** Bytes held by the row arrays (all storages), for memory reports. */
    public long memoryBytes() {
        long b = 4L * data.length;
        if (half != null) {
            b += 2L * half.length;
        }
        if (quant != null) {
            b += quant.length + 4L * quantScale.length;
        }
        return b;
    }

    /** Appends a row (copied); returns its index. */
    public int add(float[] row) {
        checkRow(row);
        ensureCapacity(size + 1);
        write(size, row);
        return size++;
    }

    /** Replaces row {@code r} (copied). */
    public void set(int r, float[] row) {
        checkIndex(r);
        checkRow(row);
        write(r, row);
    }

    /**
     * Removes row {@code r} by moving the last row into its slot; returns the index the moved row had
     * (the old last index, equal to {@code r} when nothing moved).
     */
    public int swapRemove(int r) {
        checkIndex(r);
        int last = size - 1;
        if (r != last) {
            move(last, r);
        }
        size--;
        return last;
    }

    /** A copy of row {@code r} in fp32. */
    public float[] row(int r) {
        checkIndex(r);
        float[] out = new float[dimension];
        int base = base(r);
        for (int j = 0; j < dimension; j++) {
            out[j] = data[base + j * GROUP];
        }
        return out;
    }

    /** Exact fp32 inner product of row {@code r} and {@code probe}, summed in the row's dimension order. */
    public float dot(int r, float[] probe) {
        int base = base(r);
        float s = 0;
        for (int j = 0; j < dimension; j++) {
            s = Math.fma(data[base + j * GROUP], probe[j], s);
        }
        return s;
    }

    /**
     * The {@code k} rows with the largest inner product with each probe, best first (fewer when the index
     * holds fewer rows). Scores are exact fp32 inner products whatever the storage.
     *
     * @throws IllegalArgumentException for k < 1 or a probe of the wrong length or with a non-finite value
     */
    public RowHits[] search(float[][] probes, int k) {
        return search(probes, k, options.rerankCandidates());
    }

    /**
     * {@link #search} keeping {@code rerankCandidates} approximate candidates per probe with compressed storage
     * (at least k) in place of {@link SearchOptions#rerankCandidates}: a caller that asks for many rows widens
     * the candidates with them, so the scan's error bound still fits between the k-th and the last candidate.
     */
    public RowHits[] search(float[][] probes, int k, int rerankCandidates) {
        if (k < 1) {
            throw new IllegalArgumentException("expected k >= 1, found " + k);
        }
        for (float[] p : probes) {
            checkRow(p);
        }
        if (size == 0) {
            RowHits[] out = new RowHits[probes.length];
            Arrays.fill(out, new RowHits(new int[0], new float[0]));
            return out;
        }
        Storage storage = options.storage();
        int candidates = Math.min(size, storage == Storage.FP32 ? k : Math.max(k, rerankCandidates));
        int n = probes.length;
        float[][] scanProbes = probes;
        int[] exponents = new int[n];
        if (storage == Storage.FP16) {
            scanProbes = new float[n][];
            for (int i = 0; i < n; i++) {
                // the fp16 kernel folds 2^112 into the probe: probes beyond 2^15 are scaled down by a power of two
                // (exact but for underflow, which the error bound covers), and the scores scaled back
                float m = 0;
                for (float v : probes[i]) {
                    m = Math.max(m, Math.abs(v));
                }
                exponents[i] = m >= 0x1p15f ? Math.getExponent(m) + 1 : 0;
                scanProbes[i] = exponents[i] == 0 ? probes[i] : scaled(probes[i], -exponents[i]);
            }
        }
        final int cap = candidates;
        List<TopRows> shards = scanShards(scanProbes, storage, () -> new TopRows(n, cap));
        TopRows top = shards.get(0);
        for (int s = 1; s < shards.size(); s++) {
            top.mergeFrom(shards.get(s));
        }
        RowHits[] out = new RowHits[n];
        for (int i = 0; i < n; i++) {
            if (storage == Storage.FP32) {
                out[i] = top.sorted(i, k);
            } else {
                out[i] = rescore(probes[i], top, i, k, exponents[i]);
            }
        }
        return out;
    }

    /**
     * Exact top-k of probe {@code i} from its approximate candidates: candidates are re-scored in fp32, best
     * approximate score first, until no remaining row can reach the k-th exact score, that is until a
     * candidate's approximate score plus {@link #scanErrorBound} falls below it (every row outside the candidates
     * scored at most the last candidate's approximate score). When the candidates run out before that is proven,
     * the probe is searched again over the fp32 rows, so the result is always the exact top-k.
     */
    private RowHits rescore(float[] probe, TopRows approx, int i, int k, int exponent) {
        int count = approx.count[i];
        RowHits order = approx.sorted(i, count);
        double bound = scanErrorBound(probe, exponent);
        TopRows exact = new TopRows(1, Math.min(k, count));
        boolean proven = false;
        int c = 0;
        for (; c < count; c++) {
            double a = Math.scalb((double) order.score(c), exponent);
            if (exact.count[0] == exact.cap && a + bound < exact.scores[0][0]) {
                proven = true;
                break;
            }
            int row = order.row(c);
            exact.offer(0, row, dot(row, probe));
        }
        rescored.add(c);
        if (!proven) {
            double last = Math.scalb((double) order.score(count - 1), exponent);
            proven = count == size || (exact.count[0] == exact.cap && last + bound < exact.scores[0][0]);
        }
        if (!proven) {
            fallbacks.increment();
            List<TopRows> shards =
                    scanShards(new float[][] {probe}, Storage.FP32, () -> new TopRows(1, Math.min(k, size)));
            exact = shards.get(0);
            for (int s = 1; s < shards.size(); s++) {
                exact.mergeFrom(shards.get(s));
            }
        }
        return exact.sorted(0, k);
    }

    /**
     * An upper bound on |scan score - exact fp32 score| for any row and this probe: the compression error
     * (Cauchy-Schwarz on the error vector), the rounding of the scan's and the exact score's fp32 sums of
     * {@code dimension} fused multiply-adds (gamma_n = n u / (1 - n u), u = 2^-24, after Higham), the int8
     * scale's multiply, and underflow of a probe scaled down by 2^exponent. Infinite when a row held a value
     * beyond fp16's range or the sums could overflow.
     */
    private double scanErrorBound(float[] probe, int exponent) {
        double q2 = 0;
        for (float v : probe) {
            q2 += (double) v * v;
        }
        double q = Math.sqrt(q2) * (1 + 0x1p-40);
        if (!(Math.max(maxRowNorm, maxCompressedNorm) * q < 0x1p100)) {
            return Double.POSITIVE_INFINITY; // partial sums could overflow fp32: nothing can be proven
        }
        double u = 0x1p-24;
        double gamma = (dimension + 2) * u / (1 - (dimension + 2) * u);
        double e = maxErrorNorm * q + gamma * (maxCompressedNorm + maxRowNorm) * q + 2 * u * maxCompressedNorm * q;
        if (exponent > 0) {
            e += Math.scalb(Math.sqrt(dimension) * maxCompressedNorm, exponent - 149);
        }
        return e * (1 + 0x1p-30) + 0x1p-120;
    }

    private static float[] scaled(float[] p, int exponent) {
        float[] out = new float[p.length];
        for (int j = 0; j < p.length; j++) {
            out[j] = Math.scalb(p[j], exponent);
        }
        return out;
    }

    /** Compressed storage: candidates re-scored in fp32 so far (a measure of the scan's precision). */
    public long rescoredCandidates() {
        return rescored.sum();
    }

    /** Compressed storage: probes whose candidates could not prove the top-k and were searched again in fp32. */
    public long exactFallbacks() {
        return fallbacks.sum();
    }

    /** Receives the scores of consecutive rows for one probe. */
    interface Sink {
        void accept(int probe, int firstRow, float[] scores, int offset, int count);
    }

    /**
     * Scans all rows for every probe, one shard per thread, each shard feeding its own sink; returns the sinks
     * (shard order). With fp16 storage the probes' values must stay below 2^15 in magnitude (the kernel folds a
     * factor of 2^112 into them).
     */
    <S extends Sink> List<S> scanShards(float[][] probes, Storage storage, Supplier<S> newSink) {
        int usedPairs = (size + GRANULE - 1) / GRANULE;
        int shards = Math.max(1, Math.min(options.threads(), usedPairs));
        List<S> sinks = new ArrayList<>(shards);
        for (int s = 0; s < shards; s++) {
            sinks.add(newSink.get());
        }
        if (shards == 1) {
            scan(probes, storage, 0, usedPairs * 2, sinks.get(0));
            return sinks;
        }
        ExecutorService pool = workers();
        List<Future<?>> futures = new ArrayList<>(shards - 1);
        for (int s = 1; s < shards; s++) {
            int g0 = (int) ((long) usedPairs * s / shards) * 2;
            int g1 = (int) ((long) usedPairs * (s + 1) / shards) * 2;
            S sink = sinks.get(s);
            futures.add(pool.submit(() -> scan(probes, storage, g0, g1, sink)));
        }
        scan(probes, storage, 0, (usedPairs / shards) * 2, sinks.get(0));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a search shard", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("search shard failed", e.getCause());
            }
        }
        return sinks;
    }

    private void scan(float[][] probes, Storage storage, int gFrom, int gTo, Sink sink) {
        int n = probes.length;
        int width = kernel.panelWidth();
        int block = (PROBE_BLOCK + width - 1) / width * width;
        int tileValues = TILE_GROUPS * GROUP;
        float[] scores = new float[Math.min(block, (n + width - 1) / width * width) * tileValues];
        float[] panel = null;
        float[] wide = null;
        float[][] halfProbes = null;
        for (int pb = 0; pb < n; pb += block) {
            int pn = Math.min(block, n - pb);
            boolean usePanel = pn >= PANEL_MIN_PROBES;
            int panelGroups = 0;
            if (usePanel) {
                if (panel == null) {
                    panel = new float[block * dimension];
                }
                panelGroups = TileKernel.packPanel(probes, pb, pn, width, dimension, panel);
                if (storage != Storage.FP32 && wide == null) {
                    wide = new float[kernel.pairGroups() * GROUP * dimension];
                }
            } else if (storage == Storage.FP16) {
                halfProbes = new float[pn][];
                for (int i = 0; i < pn; i++) {
                    halfProbes[i] = kernel.prepareFp16(probes[pb + i]);
                }
            }
            for (int g = gFrom; g < gTo; g += TILE_GROUPS) {
                int g1 = Math.min(g + TILE_GROUPS, gTo);
                int firstRow = g * GROUP;
                int count = Math.min((g1 - g) * GROUP, size - firstRow);
                if (count <= 0) {
                    break;
                }
                int tileRows = (g1 - g) * GROUP;
                if (usePanel) {
                    // compressed rows are widened once per column pair and panel, then share the fp32 micro-kernel
                    switch (storage) {
                        case FP32 -> kernel.fp32Panel(data, dimension, g, g1, panel, panelGroups, scores, 0, tileRows);
                        case FP16 ->
                            kernel.fp16Panel(half, dimension, g, g1, panel, panelGroups, scores, tileRows, wide);
                        case INT8 ->
                            kernel.int8Panel(quant, dimension, g, g1, panel, panelGroups, scores, tileRows, wide);
                    }
                } else {
                    for (int i = 0; i < pn; i++) {
                        int offset = i * tileRows;
                        switch (storage) {
                            case FP32 -> kernel.fp32One(data, dimension, g, g1, probes[pb + i], scores, offset);
                            case FP16 -> kernel.fp16One(half, dimension, g, g1, halfProbes[i], scores, offset);
                            case INT8 -> kernel.int8One(quant, dimension, g, g1, probes[pb + i], scores, offset);
                        }
                    }
                }
                if (storage == Storage.INT8) {
                    for (int i = 0; i < pn; i++) {
                        int o = i * tileRows;
                        for (int r = 0; r < count; r++) {
                            scores[o + r] *= quantScale[firstRow + r];
                        }
                    }
                }
                for (int i = 0; i < pn; i++) {
                    sink.accept(pb + i, firstRow, scores, i * tileRows, count);
                }
            }
        }
    }

    private synchronized ExecutorService workers() {
        if (workers == null) {
            workers = Executors.newFixedThreadPool(options.threads() - 1, r -> {
                Thread t = new Thread(r, "facestream-search");
                t.setDaemon(true);
                return t;
            });
        }
        return workers;
    }

    private int base(int r) {
        return (r / GROUP) * dimension * GROUP + (r % GROUP);
    }

    private void write(int r, float[] row) {
        int base = base(r);
        for (int j = 0; j < dimension; j++) {
            data[base + j * GROUP] = row[j];
        }
        double x2 = 0;
        double c2 = 0;
        double e2 = 0;
        if (half != null) {
            for (int j = 0; j < dimension; j++) {
                short h = Float.floatToFloat16(row[j]);
                half[base + j * GROUP] = h;
                double c = Float.float16ToFloat(h); // infinite beyond fp16's range: the bound is then infinite too
                x2 += (double) row[j] * row[j];
                c2 += c * c;
                e2 += (row[j] - c) * (row[j] - c);
            }
        }
        if (quant != null) {
            float m = 0;
            for (float v : row) {
                m = Math.max(m, Math.abs(v));
            }
            float scale = m / 127f;
            for (int j = 0; j < dimension; j++) {
                byte b = (byte) (scale == 0 ? 0 : Math.round(row[j] / scale));
                quant[base + j * GROUP] = b;
                double c = (double) scale * b;
                x2 += (double) row[j] * row[j];
                c2 += c * c;
                e2 += (row[j] - c) * (row[j] - c);
            }
            quantScale[r] = scale;
        }
        if (half != null || quant != null) {
            // sums of squares in double: a relative slack of 2^-40 covers their rounding
            maxRowNorm = Math.max(maxRowNorm, Math.sqrt(x2) * (1 + 0x1p-40));
            maxCompressedNorm = Math.max(maxCompressedNorm, Math.sqrt(c2) * (1 + 0x1p-40));
            maxErrorNorm = Math.max(maxErrorNorm, Math.sqrt(e2) * (1 + 0x1p-40));
        }
    }

    private void move(int from, int to) {
        int a = base(from);
        int b = base(to);
        for (int j = 0; j < dimension; j++) {
            data[b + j * GROUP] = data[a + j * GROUP];
        }
        if (half != null) {
            for (int j = 0; j < dimension; j++) {
                half[b + j * GROUP] = half[a + j * GROUP];
            }
        }
        if (quant != null) {
            for (int j = 0; j < dimension; j++) {
                quant[b + j * GROUP] = quant[a + j * GROUP];
            }
            quantScale[to] = quantScale[from];
        }
    }

    private void ensureCapacity(int needed) {
        if (needed <= capacity) {
            return;
        }
        long rows = Math.max(needed, capacity == 0 ? needed : 2L * capacity);
        rows = (rows + GRANULE - 1) / GRANULE * GRANULE;
        long values = rows * dimension;
        if (values > Integer.MAX_VALUE - 16) {
            rows = ((Integer.MAX_VALUE - 16) / dimension) / GRANULE * GRANULE;
            values = rows * dimension;
            if (rows < needed) {
                throw new IllegalStateException("expected at most " + rows + " rows of dimension " + dimension
                        + " in one index, found " + needed);
            }
        }
        data = Arrays.copyOf(data, (int) values);
        if (half != null) {
            half = Arrays.copyOf(half, (int) values);
        }
        if (quant != null) {
            quant = Arrays.copyOf(quant, (int) values);
            quantScale = Arrays.copyOf(quantScale, (int) rows);
        }
        capacity = (int) rows;
    }

    private void checkRow(float[] row) {
        if (row.length != dimension) {
            throw new IllegalArgumentException("expected vector length " + dimension + ", found " + row.length);
        }
        for (int j = 0; j < row.length; j++) {
            if (!Float.isFinite(row[j])) {
                throw new IllegalArgumentException("expected finite values, found " + row[j] + " at position " + j);
            }
        }
    }

    private void checkIndex(int r) {
        if (r < 0 || r >= size) {
            throw new IndexOutOfBoundsException("expected a row in [0, " + size + "), found " + r);
        }
    }

    /**
     * Bounded min-heaps of (score, row), one per probe: the root is the worst kept candidate, so a new score
     * is compared once against it. Ties prefer the lower row, so results do not depend on the shard split.
     */
    static final class TopRows implements Sink {
        private static final TileKernel KERNEL = TileKernel.best();
        final float[][] scores;
        final int[][] rows;
        final int[] count;
        private final int cap;

        TopRows(int probes, int cap) {
            this.cap = cap;
            scores = new float[probes][cap];
            rows = new int[probes][cap];
            count = new int[probes];
        }

        @Override
        public void accept(int probe, int firstRow, float[] in, int offset, int n) {
            float[] s = scores[probe];
            int[] r = rows[probe];
            int i = 0;
            while (count[probe] < cap && i < n) {
                offer(probe, firstRow + i, in[offset + i]);
                i++;
            }
            // rows arrive in increasing order, so an equal score never displaces the kept (lower) row; the kernel
            // skips the scores not above the worst kept one in vector steps
            int end = offset + n;
            for (int at = KERNEL.nextAbove(in, offset + i, end, s[0]);
                    at < end;
                    at = KERNEL.nextAbove(in, at + 1, end, s[0])) {
                s[0] = in[at];
                r[0] = firstRow + at - offset;
                siftDown(s, r, cap);
            }
        }

        void offer(int probe, int row, float score) {
            float[] s = scores[probe];
            int[] r = rows[probe];
            int n = count[probe];
            if (n < cap) {
                s[n] = score;
                r[n] = row;
                int c = n;
                while (c > 0) {
                    int p = (c - 1) >>> 1;
                    if (!worse(s[c], r[c], s[p], r[p])) {
                        break;
                    }
                    swap(s, r, c, p);
                    c = p;
                }
                count[probe] = n + 1;
            } else if (worse(s[0], r[0], score, row)) {
                s[0] = score;
                r[0] = row;
                siftDown(s, r, n);
            }
        }

        void mergeFrom(TopRows other) {
            for (int p = 0; p < count.length; p++) {
                for (int c = 0; c < other.count[p]; c++) {
                    offer(p, other.rows[p][c], other.scores[p][c]);
                }
            }
        }

        /** The best {@code k} of probe {@code p}, best first (consumes nothing; copies). */
        RowHits sorted(int p, int k) {
            int n = count[p];
            float[] s = Arrays.copyOf(scores[p], n);
            int[] r = Arrays.copyOf(rows[p], n);
            // pop the worst repeatedly, filling from the back
            for (int end = n - 1; end > 0; end--) {
                swap(s, r, 0, end);
                siftDown(s, r, end);
            }
            int m = Math.min(k, n);
            return new RowHits(Arrays.copyOf(r, m), Arrays.copyOf(s, m));
        }

        private static boolean worse(float sa, int ra, float sb, int rb) {
            return sa < sb || (sa == sb && ra > rb);
        }

        private static void siftDown(float[] s, int[] r, int n) {
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= n) {
                    return;
                }
                int w = l;
                if (l + 1 < n && worse(s[l + 1], r[l + 1], s[l], r[l])) {
                    w = l + 1;
                }
                if (!worse(s[w], r[w], s[i], r[i])) {
                    return;
                }
                swap(s, r, i, w);
                i = w;
            }
        }

        private static void swap(float[] s, int[] r, int a, int b) {
            float t = s[a];
            s[a] = s[b];
            s[b] = t;
            int u = r[a];
            r[a] = r[b];
            r[b] = u;
        }
    }
}
