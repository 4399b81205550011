package org.facestream.gallery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;

/**
 * Exact cosine search over every template of every enrolled subject, held in memory.
 *
 * <p>Templates live in one contiguous row-major {@code float[]} (one row of {@link #dimension()} floats per
 * template) so a search is a single sequential pass over memory. Each row records the ordinal of its
 * subject; a subject's score is the maximum over its templates (templates are sub-centres: the probe only
 * needs to resemble one of them). Updates are incremental: removing a subject moves the last rows into its
 * rows' slots ("swap-remove"), so an upsert costs the subject's own templates, never a rebuild.
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
  private int dimension;
  private float[] rows = new float[0];
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
    this.dimension = 0;
  }

  /** An index for embeddings of {@code dimension} floats. */
  public GalleryIndex(int dimension) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("expected a positive embedding dimension, found " + dimension);
    }
    this.dimension = dimension;
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
          throw new IllegalArgumentException(
              "expected embedding length " + dim + ", found " + r.dimension() + " in subject " + r.subjectId());
        }
      }
      dimension = dim;
      if (records.isEmpty() && subjectCount == 0) {
        return; // nothing changes: an empty gallery rebuilt as empty keeps its version
      }
      rows = new float[0];
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
    if (k < 1) {
      throw new IllegalArgumentException("expected k >= 1, found " + k);
    }
    lock.readLock().lock();
    try {
      if (dimension != 0 && probe.length != dimension) {
        throw new IllegalArgumentException("expected embedding length " + dimension + ", found " + probe.length);
      }
      double norm = Math.sqrt(dot(probe, 0, probe, probe.length));
      if (!(norm > 0) || !Double.isFinite(norm)) {
        throw new IllegalArgumentException("expected a probe with finite non-zero norm, found norm " + norm);
      }
      if (subjectCount == 0) {
        return Ranking.empty(version);
      }
      float[] best = new float[subjectCount];
      Arrays.fill(best, Float.NEGATIVE_INFINITY);
      int d = dimension;
      for (int r = 0; r < rowCount; r++) {
        float s = dot(rows, r * d, probe, d);
        int o = rowOwner[r];
        if (s > best[o]) {
          best[o] = s;
        }
      }
      return rank(best, Math.min(k, subjectCount), norm);
    } finally {
      lock.readLock().unlock();
    }
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

  /**
   * Dot product with eight independent partial sums: a single running sum is a loop-carried dependency
   * that C2 must keep in order, while independent lanes let it unroll and use SIMD registers. The Vector
   * API version replaces this kernel later.
   */
  static float dot(float[] a, int offset, float[] b, int length) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int j = 0;
    int upper = length & ~7;
    for (; j < upper; j += 8) {
      int i = offset + j;
      s0 += a[i] * b[j];
      s1 += a[i + 1] * b[j + 1];
      s2 += a[i + 2] * b[j + 2];
      s3 += a[i + 3] * b[j + 3];
      s4 += a[i + 4] * b[j + 4];
      s5 += a[i + 5] * b[j + 5];
      s6 += a[i + 6] * b[j + 6];
      s7 += a[i + 7] * b[j + 7];
    }
    for (; j < length; j++) {
      s0 += a[offset + j] * b[j];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
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
      int row = rowCount++;
      System.arraycopy(templates.get(t).embedding(), 0, rows, row * dimension, dimension);
      rowOwner[row] = ordinal;
      own[t] = row;
    }
    subjectIds[ordinal] = record.subjectId();
    subjectRows[ordinal] = own;
    ordinalOf.put(record.subjectId(), ordinal);
  }

  private void ensureRowCapacity(int needed) {
    if (needed <= rowOwner.length) {
      return;
    }
    int cap = Math.max(Math.max(INITIAL_ROWS, needed), rowOwner.length * 2);
    rows = Arrays.copyOf(rows, Math.multiplyExact(cap, dimension));
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
    if (row == last) {
      return;
    }
    System.arraycopy(rows, last * dimension, rows, row * dimension, dimension);
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
