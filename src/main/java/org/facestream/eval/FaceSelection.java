package org.facestream.eval;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.facestream.detect.DetectedFace;
import org.facestream.events.BoundingBox;
import org.facestream.vision.AnalyzedFace;

/**
 * Which of several faces in an image is the subject. LFW images are cut around the subject's face with
 * context, so a bystander can score higher than the subject; the face whose box centre is nearest the image
 * centre is the subject far more often than the highest-scoring one.
 */
public final class FaceSelection {
    private FaceSelection() {}

    /** Which face of an image an evaluation keeps. */
    public enum Rule {
        /** The face nearest the image centre: LFW-style crops around one subject. */
        NEAREST_CENTRE,
        /** The face with the largest box: photos of one person, who is usually the nearest to the camera. */
        LARGEST
    }

    /** The analysed face a rule picks from a {@code width x height} image. */
    public static AnalyzedFace choose(Rule rule, List<AnalyzedFace> faces, int width, int height) {
        return switch (rule) {
            case NEAREST_CENTRE -> nearestCentre(faces, width, height);
            case LARGEST -> largest(faces);
        };
    }

    /** The analysed face with the largest box area; ties go to the first. */
    public static AnalyzedFace largest(List<AnalyzedFace> faces) {
        if (faces.isEmpty()) {
            throw new IllegalArgumentException("expected at least one face, found none");
        }
        AnalyzedFace best = faces.get(0);
        for (AnalyzedFace f : faces) {
            if (area(f.face().box()) > area(best.face().box())) {
                best = f;
            }
        }
        return best;
    }

    private static double area(BoundingBox box) {
        return (double) box.width() * box.height();
    }

    /** The analysed face whose box centre is nearest the centre of a {@code width x height} image. */
    public static AnalyzedFace nearestCentre(List<AnalyzedFace> faces, int width, int height) {
        return nearest(faces, AnalyzedFace::face, width, height);
    }

    /** The detection whose box centre is nearest the centre of a {@code width x height} image. */
    public static DetectedFace nearestCentreFace(List<DetectedFace> faces, int width, int height) {
        return nearest(faces, f -> f, width, height);
    }

    private static <T> T nearest(List<T> faces, Function<T, DetectedFace> detection, int width, int height) {
        if (faces.isEmpty()) {
            throw new IllegalArgumentException("expected at least one face, found none");
        }
        // pixel centres run 0..width-1, so the image centre is at (width-1)/2 in the detector's coordinates
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        return faces.stream()
                .min(Comparator.comparingDouble(f -> {
                    BoundingBox box = detection.apply(f).box();
                    return Math.hypot(box.centerX() - cx, box.centerY() - cy);
                }))
                .orElseThrow();
    }
}
