package org.facestream.events;

/**
 * An axis-aligned face box in pixels of the source frame.
 *
 * @param x left edge in pixels
 * @param y top edge in pixels
 * @param width width in pixels, positive
 * @param height height in pixels, positive
 */
public record BoundingBox(float x, float y, float width, float height) {
    public BoundingBox {
        Validation.requireFinite("box x", x);
        Validation.requireFinite("box y", y);
        if (!(width > 0) || !(height > 0) || !Float.isFinite(width) || !Float.isFinite(height)) {
            throw new IllegalArgumentException("expected positive box size, found " + width + "x" + height);
        }
    }

    public float centerX() {
        return x + width / 2;
    }

    public float centerY() {
        return y + height / 2;
    }

    public float area() {
        return width * height;
    }

    /** Intersection over union with another box, in [0, 1]. */
    public double iou(BoundingBox o) {
        double ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
        double iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
        double inter = ix * iy;
        return inter / (area() + o.area() - inter);
    }
}
