package org.facestream.model;

/**
 * The face detector families a pack can name, each with the decoding its outputs need and the score and
 * NMS thresholds its upstream publishes.
 */
public enum DetectorKind {
    /** OpenCV Zoo YuNet: BGR, raw 0..255, score = sqrt(cls * obj). */
    YUNET(0.6f, 0.3f),
    /** InsightFace SCRFD with key points: RGB, (x - 127.5) / 128, sigmoid scores, two anchors per cell. */
    SCRFD(0.5f, 0.4f);

    private final float defaultScoreThreshold;
    private final float defaultNmsIouThreshold;

    DetectorKind(float defaultScoreThreshold, float defaultNmsIouThreshold) {
        this.defaultScoreThreshold = defaultScoreThreshold;
        this.defaultNmsIouThreshold = defaultNmsIouThreshold;
    }

    public float defaultScoreThreshold() {
        return defaultScoreThreshold;
    }

    public float defaultNmsIouThreshold() {
        return defaultNmsIouThreshold;
    }
}
