package org.facestream.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float tensor in row-major order: the only tensor type that crosses the {@link OnnxModel} boundary.
 *
 * <p>Unlike the wire records this class does not copy its array: detector inputs are about a megabyte per
 * frame and are handed over once. Whoever builds a tensor must not change the array afterwards.
 */
public final class FloatTensor {
    private final float[] data;
    private final long[] shape;

    /** Wraps {@code data} (not copied) with a shape whose element count must equal its length. */
    public FloatTensor(float[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "expected non-negative dimensions, found shape " + Arrays.toString(shape));
            }
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException(
                    "expected " + count + " values for shape " + Arrays.toString(shape) + ", found " + data.length);
        }
        this.data = data;
        this.shape = shape.clone();
    }

    /** The backing array (not a copy); treat as read-only. */
    public float[] data() {
        return data;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
