package org.facestream.align;

import java.util.Arrays;

/**
 * A 2-D similarity transform {@code x' = a x - b y + tx, y' = b x + a y + ty}: rotation by
 * {@code atan2(b, a)}, uniform scale {@code hypot(a, b)}, translation; never a reflection.
 *
 * @param a scale times cosine of the rotation
 * @param b scale times sine of the rotation
 * @param tx x translation
 * @param ty y translation
 */
public record SimilarityTransform(double a, double b, double tx, double ty) {
    public SimilarityTransform {
        if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(tx) || !Double.isFinite(ty)) {
            throw new IllegalArgumentException(
                    "expected finite transform parameters, found " + a + ", " + b + ", " + tx + ", " + ty);
        }
    }

    /** The transform with the given scale, rotation (radians, counter-clockwise in x-right/y-down pixels) and shift. */
    public static SimilarityTransform of(double scale, double rotationRadians, double tx, double ty) {
        return new SimilarityTransform(scale * Math.cos(rotationRadians), scale * Math.sin(rotationRadians), tx, ty);
    }

    /**
     * The least-squares similarity mapping {@code src} onto {@code dst} (Umeyama 1991 without reflection). In
     * 2-D a rotation with uniform scale is multiplication by the complex number {@code a + ib}, so Umeyama's
     * solution reduces to linear least squares on the centred points, which is what this computes.
     *
     * @param src points as x0,y0,x1,y1..., at least two distinct points
     * @param dst target points, same length
     */
    public static SimilarityTransform estimate(double[] src, double[] dst) {
        if (src == null || dst == null || src.length != dst.length || src.length < 4 || src.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "expected two equal, even-length point arrays of at least 2 points, found "
                            + (src == null ? "null" : src.length) + " and " + (dst == null ? "null" : dst.length)
                            + " coordinates");
        }
        int n = src.length / 2;
        double sx = 0, sy = 0, dx = 0, dy = 0;
        for (int i = 0; i < n; i++) {
            sx += src[2 * i];
            sy += src[2 * i + 1];
            dx += dst[2 * i];
            dy += dst[2 * i + 1];
        }
        sx /= n;
        sy /= n;
        dx /= n;
        dy /= n;
        double var = 0, dot = 0, cross = 0;
        for (int i = 0; i < n; i++) {
            double x = src[2 * i] - sx;
            double y = src[2 * i + 1] - sy;
            double u = dst[2 * i] - dx;
            double v = dst[2 * i + 1] - dy;
            var += x * x + y * y;
            dot += x * u + y * v;
            cross += x * v - y * u;
        }
        if (!(var > 1e-12)) {
            throw new IllegalArgumentException(
                    "expected at least two distinct source points, found all at (" + sx + ", " + sy + ")");
        }
        double a = dot / var;
        double b = cross / var;
        return new SimilarityTransform(a, b, dx - (a * sx - b * sy), dy - (b * sx + a * sy));
    }

    public double scale() {
        return Math.hypot(a, b);
    }

    /** Rotation in radians, in (-pi, pi]. */
    public double rotationRadians() {
        return Math.atan2(b, a);
    }

    /** Applies the transform to points x0,y0,x1,y1...; returns a new array. */
    public double[] apply(double[] points) {
        double[] out = new double[points.length];
        for (int i = 0; i + 1 < points.length; i += 2) {
            out[i] = a * points[i] - b * points[i + 1] + tx;
            out[i + 1] = b * points[i] + a * points[i + 1] + ty;
        }
        return out;
    }

    /** Row-major 2x3 affine matrix {@code [a, -b, tx, b, a, ty]}, as OpenCV's warpAffine takes it. */
    public double[] matrix() {
        return new double[] {a, -b, tx, b, a, ty};
    }

    @Override
    public String toString() {
        return "SimilarityTransform" + Arrays.toString(matrix());
    }
}
