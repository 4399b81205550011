package org.facestream.eval;

import java.util.ArrayList;
import java.util.List;
import org.facestream.detect.DetectedFace;
import org.facestream.events.BoundingBox;

/**
 * Matches detections to labelled boxes the PASCAL way: detections in descending score order each take the
 * unmatched labelled box they overlap most, if the IoU reaches the bar; a detection that matches nothing
 * but overlaps an ignored box by the same bar is neither a hit nor a false detection. Pure functions.
 */
public final class DetectionEvaluation {
    private DetectionEvaluation() {}

    /** Counts for one image; {@code detections} highest score first, as detectors return them. */
    public static DetectionReport evaluate(AnnotatedImage image, List<DetectedFace> detections, double iou) {
        boolean[] taken = new boolean[image.faces().size()];
        int matched = 0;
        int counted = 0;
        List<DetectedFace> sorted = new ArrayList<>(detections);
        sorted.sort((a, b) -> Float.compare(b.score(), a.score()));
        for (DetectedFace d : sorted) {
            int best = -1;
            double bestIou = iou;
            for (int i = 0; i < taken.length; i++) {
                double v = d.box().iou(image.faces().get(i));
                if (!taken[i] && v >= bestIou) {
                    best = i;
                    bestIou = v;
                }
            }
            if (best >= 0) {
                taken[best] = true;
                matched++;
                counted++;
            } else if (!hitsAny(d.box(), image.ignored(), iou)) {
                counted++;
            }
        }
        return new DetectionReport(1, image.faces().size(), counted, matched, iou);
    }

    /** Sums per-image reports made at the same IoU bar. */
    public static DetectionReport sum(List<DetectionReport> reports, double iou) {
        int images = 0, faces = 0, detections = 0, matched = 0;
        for (DetectionReport r : reports) {
            images += r.images();
            faces += r.faces();
            detections += r.detections();
            matched += r.matched();
        }
        return new DetectionReport(images, faces, detections, matched, iou);
    }

    private static boolean hitsAny(BoundingBox box, List<BoundingBox> boxes, double iou) {
        return boxes.stream().anyMatch(b -> box.iou(b) >= iou);
    }
}
