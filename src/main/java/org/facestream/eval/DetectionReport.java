package org.facestream.eval;

/**
 * Detection accuracy against labelled boxes.
 *
 * @param images images evaluated
 * @param faces labelled faces (ignored boxes excluded)
 * @param detections detections made, excluding those that only hit ignored boxes
 * @param matched labelled faces matched one-to-one by a detection with IoU at least {@code iou}
 * @param iou the IoU a match needs
 */
public record DetectionReport(int images, int faces, int detections, int matched, double iou) {
    public DetectionReport {
        if (matched > faces || matched > detections || images < 0) {
            throw new IllegalArgumentException("expected matched <= faces and <= detections, found " + matched + " of "
                    + faces + " faces and " + detections + " detections");
        }
    }

    /** Fraction of labelled faces found, in [0, 1] (1 when there are none). */
    public double recall() {
        return faces == 0 ? 1 : (double) matched / faces;
    }

    /** Fraction of detections that match a labelled face, in [0, 1] (1 when there are none). */
    public double precision() {
        return detections == 0 ? 1 : (double) matched / detections;
    }
}
