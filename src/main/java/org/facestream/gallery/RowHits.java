package org.facestream.gallery;

import java.util.Arrays;

/**
 * The top rows of one probe, best first: row indices into a {@link FlatIndex} and their exact fp32 inner
 * products with the probe. Equal scores are ordered by row index.
 *
 * @param rows row indices, best first
 * @param scores inner products, same order, non-increasing
 */
public record RowHits(int[] rows, float[] scores) {
    public RowHits {
        if (rows.length != scores.length) {
            throw new IllegalArgumentException(
                    "expected as many scores as rows (" + rows.length + "), found " + scores.length);
        }
        rows = rows.clone();
        scores = scores.clone();
    }

    @Override
    public int[] rows() {
        return rows.clone();
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    public int size() {
        return rows.length;
    }

    /** Row of rank {@code i} (0 = best), without copying. */
    public int row(int i) {
        return rows[i];
    }

    /** Score of rank {@code i} (0 = best), without copying. */
    public float score(int i) {
        return scores[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowHits h && Arrays.equals(rows, h.rows) && Arrays.equals(scores, h.scores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rows) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        return "RowHits" + Arrays.toString(rows) + Arrays.toString(scores);
    }
}
