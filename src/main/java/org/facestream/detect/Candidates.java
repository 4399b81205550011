package org.facestream.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.facestream.events.BoundingBox;

/** Raw detections in network-input pixels, reduced by greedy NMS and mapped back to source pixels. */
final class Candidates {
    /** Bounds the quadratic NMS when a low threshold meets a noisy frame. */
    private static final int MAX_BEFORE_NMS = 5000;

    private record Candidate(float x1, float y1, float x2, float y2, float[] landmarks, float score) {
        float area() {
            return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        }

        float iou(Candidate o) {
            float iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
            float ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
            if (iw <= 0 || ih <= 0) {
                return 0;
            }
            float inter = iw * ih;
            return inter / (area() + o.area() - inter);
        }
    }

    private final List<Candidate> list = new ArrayList<>();

    void add(float x1, float y1, float x2, float y2, float[] landmarks, float score) {
        if (x2 > x1
                && y2 > y1
                && Float.isFinite(x1)
                && Float.isFinite(y1)
                && Float.isFinite(x2)
                && Float.isFinite(y2)) {
            list.add(new Candidate(x1, y1, x2, y2, landmarks, Math.min(1f, Math.max(0f, score))));
        }
    }

    List<DetectedFace> select(float nmsIou, DetectorInput in) {
        list.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed());
        List<Candidate> sorted = list.size() > MAX_BEFORE_NMS ? list.subList(0, MAX_BEFORE_NMS) : list;
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : sorted) {
            boolean suppressed = false;
            for (Candidate k : kept) {
                if (k.iou(c) > nmsIou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(c);
            }
        }
        List<DetectedFace> faces = new ArrayList<>(kept.size());
        for (Candidate c : kept) {
            float x1 = in.sourceX(c.x1);
            float y1 = in.sourceY(c.y1);
            float x2 = in.sourceX(c.x2);
            float y2 = in.sourceY(c.y2);
            float[] lm = new float[10];
            for (int i = 0; i < 5; i++) {
                lm[2 * i] = in.sourceX(c.landmarks[2 * i]);
                lm[2 * i + 1] = in.sourceY(c.landmarks[2 * i + 1]);
            }
            faces.add(new DetectedFace(new BoundingBox(x1, y1, x2 - x1, y2 - y1), lm, c.score));
        }
        return faces;
    }
}
