package org.facestream.gallery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;

/**
 * Exact cosine search over every template of every enrolled subject, held in memory.
 *
 * <p>Templates are the rows of one {@link FlatIndex} (one contiguous {@code float[]}, interleaved in groups
 * of 16 rows for the Vector API kernel) so a search is a single sequential pass over memory, shared by up
 * to 64 probes in {@link #searchBatch} and split over threads when constructed with more than one. Each row
 * records the ordinal of its
 * subject; a subject's score is the maximum over its templates (templates are sub-centres: the probe only
 * needs to resemble one of them). Updates are incremental: removing a subject moves the last rows into its
 * rows' slots ("swap-remove"), so an upsert costs the subject's own templates, never a rebuild.
 *
 * <p>Compressed search ({@link GallerySearch}): one probe's scan reads every row and is bound by memory, so the
 * matcher's index (default {@link GallerySearch#AUTO}) keeps an int8 copy of the rows and, from 8,192
 * templates, scans it: the {@link FlatIndex} proves the probe's top rows exactly in fp32, and the subjects met
 * in them are ranked (see {@code compressedRanking}); rankings and scores equal those of the fp32 scan.
 *
 * <p>Thread safety: safe for concurrent use. Writers ({@link #upsert}, {@link #remove}, {@link #replaceAll})
 * take the write lock; searches and size queries take the read lock and run concurrently with each other.
 * In the matcher there is one writer (the global-store thread) and one reader per stream thread.
 *
 * <p>The dimension is fixed at construction, or inferred from the first record when constructed with
 * {@link #GalleryIndex()}; once known it never changes, even when the gallery empties.
 */
public final class GalleryIndex {
    private static final int INITIAL_ROWS = 64;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private static final int BATCH_CHUNK = 64;
    /** Compressed storage: rows asked of the scan at first (at least 4 per subject needed). */
    private static final int COMPRESSED_ROWS = 32;
    /**
     * Compressed storage: approximate candidates kept per row asked. The scan's error bound (about 0.01 in
     * cosine for int8 rows of dimension 512) must fit between the m-th exact score and the last candidate's;
     * with 2 candidates per row it often did not among strangers' bunched scores (each such search then ran
     * again in fp32); 8 per row leaves a quantile gap several times the bound for the cost of re-scoring a few
     * hundred rows.
     */
    private static final int CANDIDATES_PER_ROW = 8;

    private final LongAdder exactRescans = new LongAdder();
    private final LongAdder compressedSearches = new LongAdder();

    private int dimension;
    private final int threads;
    /** What a search scans: fp32, or a compressed copy whose candidates are re-scored exactly in fp32. */
    private final GallerySearch search;
    /** The template rows; null until the dimension is known. */
    private FlatIndex matrix;
    /** Subject ordinal of each row. */
    private int[] rowOwner = new int[0];

    private int rowCount;
    /** Subject id by ordinal; ordinals are dense in [0, subjectCount). */
    private String[] subjectIds = new String[0];
    /** Row numbers of each subject, by ordinal. */
    private int[][] subjectRows = new int[0][];

    private int subjectCount;
    private final Map<String, Integer> ordinalOf = new HashMap<>();
    private volatile long version;

    /** An index whose dimension is taken from the first record added. */
    public GalleryIndex() {
        this(0, 1, GallerySearch.FP32);
    }

    /** An index for embeddings of {@code dimension} floats. */
    public GalleryIndex(int dimension) {
        this(dimension, 1);
    }

    /**
     * An index for embeddings of {@code dimension} floats whose searches use {@code threads} threads, each
     * scanning one shard of the templates (worth it for galleries of tens of thousands of templates or more).
     */
    public GalleryIndex(int dimension, int threads) {
        this(requirePositive(dimension), threads, GallerySearch.FP32);
    }

    /**
     * An index whose searches scan what {@code search} says: fp32, or a compressed copy (fp16, int8) that
     * reads a half or a quarter of the bytes per probe and whose best rows are re-scored in fp32, so rankings
     * and scores are exactly those of fp32 storage (see {@link #search}).
     *
     * @param dimension the embedding length, or 0 to take it from the first record added
     */
    public GalleryIndex(int dimension, int threads, GallerySearch search) {
        if (dimension < 0) {
            throw new IllegalArgumentException("expected a non-negative embedding dimension, found " + dimension);
        }
        this.threads = new SearchOptions(threads, search.storage(), 1).threads();
        this.search = search;
        this.dimension = dimension;
    }

    private static int requirePositive(int dimension) {
        if (dimension <= 0) {
            throw new IllegalArgumentException("expected a positive embedding dimension, found " + dimension);
        }
        return dimension;
    }

    /** What searches scan. */
    public GallerySearch gallerySearch() {
        return search;
    }

    /** Threads used by one search call. */
    public int threads() {
        return threads;
    }

    /** Embedding dimension, or 0 while it is still to be inferred from the first record. */
    public int dimension() {
        lock.readLock().lock();
        try {
            return dimension;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of changes applied so far (upserts, effective removals, bulk replacements); starts at 0. */
    public long version() {
        return version;
    }

    /** Number of enrolled subjects. */
    public int subjectCount() {
        lock.readLock().lock();
        try {
            return subjectCount;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of templates over all subjects. */
    public int templateCount() {
        lock.readLock().lock();
        try {
            return rowCount;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Up to {@code max} template rows (copies), evenly spread over the gallery: enough to describe what
     * enrollment photos look like (the adaptive threshold primes its null scores with them) without copying
     * a million-template gallery.
     */
    public List<float[]> templateSample(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("expected a non-negative sample size, found " + max);
        }
        lock.readLock().lock();
        try {
            int n = Math.min(max, rowCount);
            List<float[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(matrix.row((int) ((long) i * rowCount / n)));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Whether {@code subjectId} is enrolled. */
    public boolean contains(String subjectId) {
        lock.readLock().lock();
        try {
            return ordinalOf.containsKey(subjectId);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Adds a subject or replaces all its templates.
     *
     * @throws IllegalArgumentException when the record's dimension differs from the index's; the index is
     *     then unchanged
     */
    public void upsert(GalleryRecord record) {
        lock.writeLock().lock();
        try {
            requireDimension(record.dimension());
            if (dimension == 0) {
                dimension = record.dimension();
            }
            removeLocked(record.subjectId());
            appendLocked(record);
            version++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Erases a subject; returns whether it was enrolled (the version only moves when it was). */
    public boolean remove(String subjectId) {
        lock.writeLock().lock();
        try {
            boolean removed = removeLocked(subjectId);
            if (removed) {
                version++;
            }
            return removed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Replaces the whole content with {@code records} in one step (readers see the old or the new gallery,
     * never a partial one); used when the matcher rebuilds the index from its restored store. Counts as one
     * change unless the index was and stays empty.
     *
     * @throws IllegalArgumentException when records disagree on the dimension; the index is then unchanged
     */
    public void replaceAll(Collection<GalleryRecord> records) {
        lock.writeLock().lock();
        try {
            int dim = dimension;
            for (GalleryRecord r : records) {
                if (dim == 0) {
                    dim = r.dimension();
                } else if (r.dimension() != dim) {
                    throw new IllegalArgumentException("expected embedding length " + dim + ", found " + r.dimension()
                            + " in subject " + r.subjectId());
                }
            }
            dimension = dim;
            if (records.isEmpty() && subjectCount == 0) {
                return; // nothing changes: an empty gallery rebuilt as empty keeps its version
            }
            int total = 0;
            for (GalleryRecord r : records) {
                total += r.templates().size();
            }
            matrix = dim == 0 ? null : new FlatIndex(dim, total, options());
            rowOwner = new int[0];
            rowCount = 0;
            subjectIds = new String[0];
            subjectRows = new int[0][];
            subjectCount = 0;
            ordinalOf.clear();
            for (GalleryRecord r : records) {
                removeLocked(r.subjectId());
                appendLocked(r);
            }
            version++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The {@code k} subjects most similar to {@code probe}, best first, each scored by its best template.
     * The probe need not be normalised: scores are divided by its norm (templates are unit length).
     *
     * @throws IllegalArgumentException for a probe of the wrong length, a zero or non-finite probe, or k < 1
     */
    public Ranking search(float[] probe, int k) {
        Objects.requireNonNull(probe, "probe");
        return searchBatch(new float[][] {probe}, k).get(0);
    }

    /**
     * {@link #search} for several probes at once, results in probe order. One pass over the templates
     * serves up to 64 probes, so a micro-batch costs far less than the same searches one by one.
     *
     * @throws IllegalArgumentException as {@link #search}, naming the index of the bad probe
     */
    public List<Ranking> searchBatch(float[][] probes, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("expected k >= 1, found " + k);
        }
        lock.readLock().lock();
        try {
            double[] norms = new double[probes.length];
            for (int i = 0; i < probes.length; i++) {
                float[] probe = probes[i];
                if (probe == null) {
                    throw new IllegalArgumentException("expected a probe, found null at index " + i);
                }
                if (dimension != 0 && probe.length != dimension) {
                    throw new IllegalArgumentException("expected embedding length " + dimension + ", found "
                            + probe.length + (probes.length > 1 ? " in probe " + i : ""));
                }
                double sq = 0;
                for (float v : probe) {
                    sq += (double) v * v;
                }
                norms[i] = Math.sqrt(sq);
                if (!(norms[i] > 0) || !Double.isFinite(norms[i])) {
                    throw new IllegalArgumentException("expected a probe with finite non-zero norm, found norm "
                            + norms[i] + (probes.length > 1 ? " in probe " + i : ""));
                }
            }
            List<Ranking> out = new ArrayList<>(probes.length);
            if (subjectCount == 0) {
                for (int i = 0; i < probes.length; i++) {
                    out.add(Ranking.empty(version));
                }
                return out;
            }
            int kk = Math.min(k, subjectCount);
            if (search.compressedAt(rowCount)) {
                compressedSearches.add(probes.length);
                for (int i = 0; i < probes.length; i++) {
                    out.add(compressedRanking(probes[i], kk, norms[i]));
                }
                return out;
            }
            for (int c = 0; c < probes.length; c += BATCH_CHUNK) {
                float[][] chunk = Arrays.copyOfRange(probes, c, Math.min(probes.length, c + BATCH_CHUNK));
                int n = chunk.length;
                List<SubjectBest> shards =
                        matrix.scanShards(chunk, Storage.FP32, () -> new SubjectBest(n, subjectCount, rowOwner));
                float[][] best = shards.get(0).best;
                for (int s = 1; s < shards.size(); s++) {
                    float[][] other = shards.get(s).best;
                    for (int i = 0; i < n; i++) {
                        for (int o = 0; o < subjectCount; o++) {
                            best[i][o] = Math.max(best[i][o], other[i][o]);
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    out.add(rank(best[i], kk, norms[c + i]));
                }
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The ranking of one probe from the exact top rows of a compressed scan: {@link FlatIndex#search} proves
     * its top {@code m} rows exactly (fp32 scores), and a subject's score is its best row, so the subjects met
     * in those rows, ordered by score, are the gallery's best subjects as long as the last one needed (the
     * k-th, and at least the second for the runner-up score) scores strictly above the m-th row: every subject
     * not met scores at most that. Otherwise {@code m} grows; past a quarter of the rows one fp32 scan of
     * every subject is cheaper and gives the answer directly.
     */
    private Ranking compressedRanking(float[] probe, int k, double norm) {
        int want = Math.min(subjectCount, Math.max(k, 2));
        int m = Math.min(rowCount, Math.max(4 * want, COMPRESSED_ROWS));
        while (true) {
            RowHits hits = matrix.search(new float[][] {probe}, m, CANDIDATES_PER_ROW * m)[0];
            Ranking proven = rankFromRows(hits, k, want, norm);
            if (proven != null) {
                return proven;
            }
            if (m == rowCount || 4L * m > rowCount) {
                break;
            }
            m = Math.min(rowCount, 4 * m);
        }
        exactRescans.increment();
        float[][] one = {probe};
        List<SubjectBest> shards =
                matrix.scanShards(one, Storage.FP32, () -> new SubjectBest(1, subjectCount, rowOwner));
        float[] best = shards.get(0).best[0];
        for (int s = 1; s < shards.size(); s++) {
            float[] other = shards.get(s).best[0];
            for (int o = 0; o < subjectCount; o++) {
                best[o] = Math.max(best[o], other[o]);
            }
        }
        return rank(best, k, norm);
    }

    /** The ranking the rows prove, or null when a subject outside them could still rank among the first want. */
    private Ranking rankFromRows(RowHits hits, int k, int want, double norm) {
        // first occurrence of a subject in rows sorted by exact score is its best row
        Map<Integer, Float> firstScore = new HashMap<>();
        List<Integer> met = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            int o = rowOwner[hits.row(i)];
            if (firstScore.putIfAbsent(o, hits.score(i)) == null) {
                met.add(o);
            }
        }
        float[] best = new float[subjectCount];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        for (int o : met) {
            best[o] = firstScore.get(o);
        }
        if (hits.size() == rowCount) {
            return rank(best, k, norm); // every row seen: the fp32 ranking itself
        }
        // met is in non-increasing score order; ties among met subjects are ordered by id below
        if (met.size() < want || !(best[met.get(want - 1)] > hits.score(hits.size() - 1))) {
            return null;
        }
        met.sort((a, b) -> better(a, b, best) ? -1 : better(b, a, best) ? 1 : 0);
        List<SubjectScore> out = new ArrayList<>(k);
        for (int i = 0; i < Math.min(k, met.size()); i++) {
            int o = met.get(i);
            out.add(new SubjectScore(subjectIds[o], cosine(best[o], norm)));
        }
        double secondScore = subjectCount < 2 ? -1 : cosine(best[met.get(1)], norm);
        return new Ranking(out, secondScore, version, subjectCount, rowCount);
    }

    /**
     * Compressed storage: searches that could not prove their ranking from the compressed scan's rows and
     * scanned every subject in fp32 instead (counted so an operator sees when compression stops paying).
     */
    public long exactRescans() {
        return exactRescans.sum();
    }

    /** Probes searched through the compressed copy (the rest scanned the fp32 rows). */
    public long compressedSearches() {
        return compressedSearches.sum();
    }

    /** Best template score per subject ordinal, per probe. */
    private static final class SubjectBest implements FlatIndex.Sink {
        final float[][] best;
        private final int[] owner;

        SubjectBest(int probes, int subjects, int[] owner) {
            this.owner = owner;
            best = new float[probes][subjects];
            for (float[] b : best) {
                Arrays.fill(b, Float.NEGATIVE_INFINITY);
            }
        }

        @Override
        public void accept(int probe, int firstRow, float[] scores, int offset, int count) {
            float[] b = best[probe];
            for (int i = 0; i < count; i++) {
                int o = owner[firstRow + i];
                float v = scores[offset + i];
                if (v > b[o]) {
                    b[o] = v;
                }
            }
        }
    }

    private SearchOptions options() {
        return new SearchOptions(threads, search.storage(), SearchOptions.DEFAULT.rerankCandidates());
    }

    private Ranking rank(float[] best, int k, double norm) {
        // Bounded min-heap of subject ordinals: the root is the worst of the current top k.
        int[] heap = new int[k];
        int size = 0;
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (int o = 0; o < subjectCount; o++) {
            float s = best[o];
            if (s > first) {
                second = first;
                first = s;
            } else if (s > second) {
                second = s;
            }
            if (size < k) {
                heap[size] = o;
                siftUp(heap, size++, best);
            } else if (better(o, heap[0], best)) {
                heap[0] = o;
                siftDown(heap, size, best);
            }
        }
        List<SubjectScore> out = new ArrayList<>(size);
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = heap[i];
        }
        Arrays.sort(order, (a, b) -> better(a, b, best) ? -1 : better(b, a, best) ? 1 : 0);
        for (int o : order) {
            out.add(new SubjectScore(subjectIds[o], cosine(best[o], norm)));
        }
        double secondScore = subjectCount < 2 ? -1 : cosine(second, norm);
        return new Ranking(out, secondScore, version, subjectCount, rowCount);
    }

    /** Float rounding can push the cosine of near-identical vectors just past 1; records require [-1, 1]. */
    private static double cosine(float dot, double probeNorm) {
        return Math.max(-1.0, Math.min(1.0, dot / probeNorm));
    }

    /** Higher score first; equal scores by subject id so the order never depends on row layout. */
    private boolean better(int a, int b, float[] best) {
        if (best[a] != best[b]) {
            return best[a] > best[b];
        }
        return subjectIds[a].compareTo(subjectIds[b]) < 0;
    }

    private void siftUp(int[] heap, int i, float[] best) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!better(heap[parent], heap[i], best)) {
                break;
            }
            swap(heap, parent, i);
            i = parent;
        }
    }

    private void siftDown(int[] heap, int size, float[] best) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int worst = l;
            int r = l + 1;
            if (r < size && better(heap[l], heap[r], best)) {
                worst = r;
            }
            if (!better(heap[i], heap[worst], best)) {
                return;
            }
            swap(heap, i, worst);
            i = worst;
        }
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private void requireDimension(int found) {
        if (dimension != 0 && found != dimension) {
            throw new IllegalArgumentException("expected embedding length " + dimension + ", found " + found);
        }
    }

    private void appendLocked(GalleryRecord record) {
        List<Template> templates = record.templates();
        int n = templates.size();
        ensureRowCapacity(rowCount + n);
        if (subjectCount == subjectIds.length) {
            int cap = Math.max(16, subjectIds.length * 2);
            subjectIds = Arrays.copyOf(subjectIds, cap);
            subjectRows = Arrays.copyOf(subjectRows, cap);
        }
        int ordinal = subjectCount++;
        int[] own = new int[n];
        for (int t = 0; t < n; t++) {
            int row = matrix.add(templates.get(t).embedding());
            rowCount++;
            rowOwner[row] = ordinal;
            own[t] = row;
        }
        subjectIds[ordinal] = record.subjectId();
        subjectRows[ordinal] = own;
        ordinalOf.put(record.subjectId(), ordinal);
    }

    private void ensureRowCapacity(int needed) {
        if (matrix == null) {
            matrix = new FlatIndex(dimension, Math.max(INITIAL_ROWS, needed), options());
        }
        if (needed <= rowOwner.length) {
            return;
        }
        int cap = Math.max(Math.max(INITIAL_ROWS, needed), rowOwner.length * 2);
        rowOwner = Arrays.copyOf(rowOwner, cap);
    }

    private boolean removeLocked(String subjectId) {
        Integer boxed = ordinalOf.remove(subjectId);
        if (boxed == null) {
            return false;
        }
        int ordinal = boxed;
        int[] own = subjectRows[ordinal].clone();
        Arrays.sort(own);
        // Highest first: every row moved into a freed slot then comes from beyond the subject's remaining rows,
        // so it belongs to another subject.
        for (int i = own.length - 1; i >= 0; i--) {
            swapRemoveRow(own[i]);
        }
        int last = --subjectCount;
        if (ordinal != last) {
            subjectIds[ordinal] = subjectIds[last];
            subjectRows[ordinal] = subjectRows[last];
            for (int row : subjectRows[ordinal]) {
                rowOwner[row] = ordinal;
            }
            ordinalOf.put(subjectIds[ordinal], ordinal);
        }
        subjectIds[last] = null;
        subjectRows[last] = null;
        return true;
    }

    private void swapRemoveRow(int row) {
        int last = --rowCount;
        matrix.swapRemove(row);
        if (row == last) {
            return;
        }
        int owner = rowOwner[last];
        rowOwner[row] = owner;
        int[] ownerRows = subjectRows[owner];
        for (int i = 0; i < ownerRows.length; i++) {
            if (ownerRows[i] == last) {
                ownerRows[i] = row;
                break;
            }
        }
    }
}
