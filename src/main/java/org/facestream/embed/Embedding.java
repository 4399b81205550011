package org.facestream.embed;

import java.util.Arrays;

/**
 * One face embedding.
 *
 * @param vector the L2-normalised embedding
 * @param rawNorm L2 norm of the network's raw output for the (unmirrored) crop: for ArcFace-family models a
 *     quality cue, low for blurred, occluded or non-face crops
 */
public record Embedding(float[] vector, float rawNorm) {
    public Embedding {
        if (vector == null || vector.length == 0) {
            throw new IllegalArgumentException(
                    "expected a non-empty embedding, found " + (vector == null ? "null" : "length 0"));
        }
        if (!(rawNorm >= 0) || !Float.isFinite(rawNorm)) {
            throw new IllegalArgumentException("expected a finite non-negative rawNorm, found " + rawNorm);
        }
        vector = vector.clone();
    }

    @Override
    public float[] vector() {
        return vector.clone();
    }

    public int dimension() {
        return vector.length;
    }

    /** Cosine similarity with another normalised embedding of the same length, in [-1, 1]. */
    public double cosine(Embedding other) {
        return cosine(vector, other.vector);
    }

    /** Cosine similarity of two vectors of the same length (normalised or not), in [-1, 1]. */
    public static double cosine(float[] x, float[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(
                    "expected embeddings of equal length, found " + x.length + " and " + y.length);
        }
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            nx += (double) x[i] * x[i];
            ny += (double) y[i] * y[i];
        }
        return dot / Math.sqrt(nx * ny);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && Arrays.equals(vector, e.vector) && Float.compare(rawNorm, e.rawNorm) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(vector) + Float.hashCode(rawNorm);
    }

    @Override
    public String toString() {
        return "Embedding[dimension=" + vector.length + ", rawNorm=" + rawNorm + "]";
    }
}
