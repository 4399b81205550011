package org.facestream.vision;

import java.util.List;
import java.util.Objects;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.FaceDetector;
import org.facestream.events.BoundingBox;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;

/**
 * A second, more precise detector run only on the faces that are about to be embedded: the region around a
 * face found by the frame's detector (a square {@value #CONTEXT} times the box's longer side, black outside the
 * frame) is detected again, and the landmarks of the face found there nearest the region's centre replace the
 * first detector's. The embedder's accuracy depends on alignment, alignment on the five landmarks, and SCRFD places
 * them better than YuNet (LFW: 99.62% against 99.52% in reference runs); running it on a small region of the few
 * faces a tracker embeds costs little, where running it on every frame would cost its full input size each time.
 * When the region yields no face overlapping the first box, the first detector's landmarks stay.
 *
 * <p>Thread-safe when its detector is (ONNX sessions are); owns the detector and closes it.
 */
final class LandmarkRefiner implements AutoCloseable {
    /** Side of the region detected again, in multiples of the face box's longer side. */
    static final double CONTEXT = 2.0;
    /** Least overlap of the face found in the region with the first detector's box. */
    static final double MIN_IOU = 0.3;

    private final FaceDetector detector;

    LandmarkRefiner(FaceDetector detector) {
        this.detector = Objects.requireNonNull(detector, "detector");
    }

    /** {@code face} of {@code frame} with the refined landmarks (and box), or {@code face} itself. */
    DetectedFace refine(Mat frame, DetectedFace face) {
        BoundingBox b = face.box();
        int side = (int) Math.ceil(CONTEXT * Math.max(b.width(), b.height()));
        int x0 = Math.round(b.centerX() - side / 2f);
        int y0 = Math.round(b.centerY() - side / 2f);
        Mat region = new Mat();
        try {
            // the part of the square inside the frame, padded with black to the whole square
            int left = Math.max(0, x0);
            int top = Math.max(0, y0);
            int right = Math.min(frame.cols(), x0 + side);
            int bottom = Math.min(frame.rows(), y0 + side);
            if (right - left < 8 || bottom - top < 8) {
                return face;
            }
            Mat inside = frame.submat(new Rect(left, top, right - left, bottom - top));
            try {
                Core.copyMakeBorder(
                        inside,
                        region,
                        top - y0,
                        y0 + side - bottom,
                        left - x0,
                        x0 + side - right,
                        Core.BORDER_CONSTANT,
                        new Scalar(0, 0, 0));
            } finally {
                inside.release();
            }
            List<DetectedFace> found = detector.detect(region);
            DetectedFace best = null;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (DetectedFace f : found) {
                BoundingBox inFrame = new BoundingBox(
                        f.box().x() + x0,
                        f.box().y() + y0,
                        f.box().width(),
                        f.box().height());
                double d = Math.hypot(inFrame.centerX() - b.centerX(), inFrame.centerY() - b.centerY());
                if (inFrame.iou(b) >= MIN_IOU && d < bestDistance) {
                    best = f;
                    bestDistance = d;
                }
            }
            if (best == null) {
                return face;
            }
            float[] lm = best.landmarks();
            for (int i = 0; i < lm.length; i += 2) {
                lm[i] += x0;
                lm[i + 1] += y0;
            }
            BoundingBox box = new BoundingBox(
                    best.box().x() + x0,
                    best.box().y() + y0,
                    best.box().width(),
                    best.box().height());
            // the first detector's score stays: it is the one the quality gate and best-shot score are calibrated on
            return new DetectedFace(box, lm, face.score());
        } finally {
            region.release();
        }
    }

    @Override
    public void close() {
        detector.close();
    }
}
