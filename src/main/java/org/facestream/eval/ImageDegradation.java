package org.facestream.eval;

import java.util.Locale;
import java.util.Objects;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * A camera-quality change applied to decoded images before analysis, to simulate drift in an evaluation:
 * a defocused or dirty lens ({@link Kind#BLUR}), dusk or a failed light ({@link Kind#DARK}), a camera
 * mounted further away or re-encoded at a lower resolution ({@link Kind#DOWNSCALE}: shrunk, then enlarged
 * back, so the detector sees the same geometry with less detail).
 *
 * @param kind what changes
 * @param strength blur: Gaussian sigma in pixels (> 0); dark: brightness factor in (0, 1); downscale: the
 *     shrink factor (> 1); none: ignored
 */
public record ImageDegradation(Kind kind, double strength) {
    /** No change. */
    public static final ImageDegradation NONE = new ImageDegradation(Kind.NONE, 0);

    /** The kinds of degradation. */
    public enum Kind {
        NONE,
        BLUR,
        DARK,
        DOWNSCALE
    }

    public ImageDegradation {
        Objects.requireNonNull(kind, "kind");
        boolean valid = switch (kind) {
            case NONE -> true;
            case BLUR -> strength > 0 && strength <= 50;
            case DARK -> strength > 0 && strength < 1;
            case DOWNSCALE -> strength > 1 && strength <= 32;
        };
        if (!valid) {
            throw new IllegalArgumentException("expected a " + kind.name().toLowerCase(Locale.ROOT) + " strength in "
                    + switch (kind) {
                        case BLUR -> "(0, 50] (sigma in pixels)";
                        case DARK -> "(0, 1) (brightness factor)";
                        case DOWNSCALE -> "(1, 32] (shrink factor)";
                        case NONE -> "any";
                    }
                    + ", found " + strength);
        }
    }

    /** Parses {@code blur:2.5}, {@code dark:0.3}, {@code downscale:4} or {@code none}. */
    public static ImageDegradation parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return NONE;
        }
        int colon = t.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    "expected blur:SIGMA, dark:FACTOR, downscale:FACTOR or none, found '" + text + "'");
        }
        Kind kind;
        try {
            kind = Kind.valueOf(t.substring(0, colon).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "expected blur, dark or downscale, found '" + t.substring(0, colon) + "'");
        }
        double strength;
        try {
            strength = Double.parseDouble(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number after '" + t.substring(0, colon + 1) + "', found '"
                    + t.substring(colon + 1) + "'");
        }
        return new ImageDegradation(kind, strength);
    }

    /** Degrades a BGR image in place. */
    public void applyInPlace(Mat bgr) {
        switch (kind) {
            case NONE -> {}
            case BLUR -> Imgproc.GaussianBlur(bgr, bgr, new Size(0, 0), strength);
            case DARK -> bgr.convertTo(bgr, -1, strength, 0);
            case DOWNSCALE -> {
                Mat small = new Mat();
                try {
                    Size full = bgr.size();
                    Imgproc.resize(
                            bgr,
                            small,
                            new Size(
                                    Math.max(1, Math.round(full.width / strength)),
                                    Math.max(1, Math.round(full.height / strength))),
                            0,
                            0,
                            Imgproc.INTER_AREA);
                    Imgproc.resize(small, bgr, full, 0, 0, Imgproc.INTER_LINEAR);
                } finally {
                    small.release();
                }
            }
        }
    }

    @Override
    public String toString() {
        return kind == Kind.NONE ? "none" : kind.name().toLowerCase(Locale.ROOT) + ":" + strength;
    }
}
