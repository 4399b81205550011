package org.facestream.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Whether a camera's frame is worth a detection: frames where nothing moved since the camera's last detected
 * frame are skipped. The test is cheap on purpose (it runs on every frame, detection costs a hundred times
 * more): the frame is shrunk to a grey copy {@value #WIDTH} pixels wide (area averaging, which also evens out
 * JPEG noise) and compared pixel by pixel with the copy of the last frame that was detected; the frame moved
 * when more than {@code minChanged} of its pixels differ by more than {@value #PIXEL_DELTA} grey levels. Comparing
 * with the last <em>detected</em> frame rather than the previous one lets slow changes add up until they count.
 * A detection is never skipped for longer than {@code maxSkip}, so a face that stands still keeps its track.
 * The same comparison tells a scene cut (another camera, a moved camera) from motion: the correlation of the two
 * grey copies collapses when the whole picture is new, while moving people and a panning camera keep much of it.
 *
 * <p>The camera's state is an immutable {@link State}: a frame goes in with the state and the next state comes
 * out, so the worker can keep the state of an aborted transaction. Thread-safe.
 */
final class MotionGate {
    /** Width of the grey copy in pixels. */
    static final int WIDTH = 64;
    /** Least grey-level difference of a changed pixel. */
    static final int PIXEL_DELTA = 12;

    private final double minChanged;
    private final Duration maxSkip;

    /**
     * @param minChanged a frame moved when at least this fraction of the grey copy's pixels changed, in [0, 1]
     * @param maxSkip longest time without a detection
     */
    MotionGate(double minChanged, Duration maxSkip) {
        if (!(minChanged >= 0 && minChanged <= 1)) {
            throw new IllegalArgumentException("expected minChanged in [0, 1], found " + minChanged);
        }
        this.minChanged = minChanged;
        this.maxSkip = Objects.requireNonNull(maxSkip, "maxSkip");
    }

    /**
     * The grey copy of the camera's last detected frame and when it was captured.
     *
     * @param grey row-major grey levels, {@code width x height}
     */
    record State(byte[] grey, int width, int height, Instant detectedAt) {
        State {
            Objects.requireNonNull(detectedAt, "detectedAt");
            if (grey == null || grey.length != width * height) {
                throw new IllegalArgumentException("expected " + width + "x" + height + " grey levels, found "
                        + (grey == null ? "none" : grey.length));
            }
        }
    }

    /**
     * The gate's answer for one frame.
     *
     * @param detect whether the frame is to be detected
     * @param changed the fraction of the grey copy that changed (1 without a previous detected frame)
     * @param correlation Pearson correlation of the grey copy with the last detected frame's, in [-1, 1] (1
     *     without one, or when either is flat): a scene cut, not motion, takes it near 0
     * @param next the camera's state after this frame
     */
    record Verdict(boolean detect, double changed, double correlation, State next) {}

    /**
     * Judges {@code bgr}, captured at {@code capturedAt}, against the camera's {@code state} (null: none yet);
     * with {@code gating} off every frame is detected (and compared, for scene cuts).
     */
    Verdict judge(State state, Mat bgr, Instant capturedAt, boolean gating) {
        State current = greyCopy(bgr, capturedAt);
        if (state == null || state.width() != current.width() || state.height() != current.height()) {
            return new Verdict(true, 1, 1, current);
        }
        double changed = changedFraction(state.grey(), current.grey());
        double correlation = correlation(state.grey(), current.grey());
        boolean overdue = Duration.between(state.detectedAt(), capturedAt).compareTo(maxSkip) >= 0;
        boolean detect = !gating || changed >= minChanged || overdue || capturedAt.isBefore(state.detectedAt());
        return new Verdict(detect, changed, correlation, detect ? current : state);
    }

    /** Pearson correlation of two grey copies; 1 when either has (almost) no contrast to correlate. */
    static double correlation(byte[] a, byte[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i] & 0xff;
            mb += b[i] & 0xff;
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = (a[i] & 0xff) - ma;
            double y = (b[i] & 0xff) - mb;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        // a flat picture (one grey level give or take JPEG noise) has no structure to compare
        double flat = a.length * 1.0;
        return aa < flat || bb < flat ? 1 : ab / Math.sqrt(aa * bb);
    }

    static double changedFraction(byte[] a, byte[] b) {
        int changed = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs((a[i] & 0xff) - (b[i] & 0xff)) > PIXEL_DELTA) {
                changed++;
            }
        }
        return (double) changed / a.length;
    }

    private static State greyCopy(Mat bgr, Instant capturedAt) {
        int h = Math.max(1, (int) Math.round((double) WIDTH * bgr.rows() / bgr.cols()));
        Mat small = new Mat();
        Mat grey = new Mat();
        try {
            Imgproc.resize(bgr, small, new Size(WIDTH, h), 0, 0, Imgproc.INTER_AREA);
            Imgproc.cvtColor(small, grey, Imgproc.COLOR_BGR2GRAY);
            byte[] levels = new byte[WIDTH * h];
            grey.get(0, 0, levels);
            return new State(levels, WIDTH, h, capturedAt);
        } finally {
            small.release();
            grey.release();
        }
    }
}
