package org.facestream.testing;

import java.util.Random;

/**
 * Synthetic embeddings for tests that do not need a model: seeded random unit vectors, and vectors at an
 * exact cosine to a given one. Random 512-d unit vectors are nearly orthogonal (cosine ~ N(0, 1/512), so
 * |cos| < 0.2 with overwhelming probability), which is what unrelated faces look like to a good embedder.
 */
public final class Embeddings {
    public static final int DIMENSION = 512;

    private Embeddings() {}

    /** A random unit vector of {@code dimension} floats. */
    public static float[] unit(Random random, int dimension) {
        double[] v = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = random.nextGaussian();
        }
        return toUnitFloats(v);
    }

    /** A random unit vector whose cosine to the unit vector {@code base} is {@code cosine}. */
    public static float[] atCosine(float[] base, double cosine, Random random) {
        int d = base.length;
        double[] r = new double[d];
        double dot = 0;
        for (int i = 0; i < d; i++) {
            r[i] = random.nextGaussian();
            dot += r[i] * base[i];
        }
        double norm = 0;
        for (int i = 0; i < d; i++) {
            r[i] -= dot * base[i]; // orthogonal to base
            norm += r[i] * r[i];
        }
        norm = Math.sqrt(norm);
        double sine = Math.sqrt(1 - cosine * cosine);
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = cosine * base[i] + sine * r[i] / norm;
        }
        return toUnitFloats(v);
    }

    /** Cosine of two vectors, in double precision (the reference the index is checked against). */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static float[] toUnitFloats(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
