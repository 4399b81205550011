package org.facestream.detect;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.facestream.model.FloatTensor;
import org.facestream.model.OnnxModel;
import org.facestream.model.OpenCvNatives;
import org.opencv.core.Mat;

/**
 * InsightFace SCRFD with key points (strides 8/16/32, two anchors per cell). Input RGB, (x - 127.5) / 128.
 * Anchor centre (c s, r s); box = centre -/+ distance s (left, top, right, bottom); landmarks = centre +
 * offset s; scores are already sigmoid outputs. Outputs are told apart by shape, not by name, because
 * exported SCRFD graphs name them by node number. Thread-safe for {@link #detect}; owns its {@link OnnxModel}.
 */
public final class ScrfdDetector implements FaceDetector {
    private static final int[] STRIDES = {8, 16, 32};
    private static final int ANCHORS = 2;

    private final OnnxModel model;
    private final DetectorSettings settings;

    /** Takes ownership of {@code model}, which must have SCRFD's nine score/box/key-point outputs. */
    public ScrfdDetector(OnnxModel model, DetectorSettings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (model.outputNames().size() != 9) {
            throw new IllegalArgumentException("model " + model.id() + ": expected 9 SCRFD outputs (score, box, key "
                    + "points per stride), found " + model.outputNames());
        }
        OpenCvNatives.load();
    }

    @Override
    public List<DetectedFace> detect(Mat bgrImage) {
        DetectorInput in = DetectorInput.of(bgrImage, settings, 127.5, 1 / 128.0, true);
        Map<String, FloatTensor> out = model.run(
                in.tensor, "image " + in.sourceWidth + "x" + in.sourceHeight + " at " + in.width + "x" + in.height);
        Candidates candidates = new Candidates();
        float threshold = settings.scoreThreshold();
        for (int s : STRIDES) {
            int cols = in.width / s;
            int n = ANCHORS * cols * (in.height / s);
            float[] scores = find(out, n, 1);
            float[] box = find(out, n, 4);
            float[] kps = find(out, n, 10);
            for (int i = 0; i < n; i++) {
                float score = scores[i];
                if (score < threshold) {
                    continue;
                }
                int cell = i / ANCHORS;
                float cx = (cell % cols) * s;
                float cy = (cell / cols) * s;
                float[] lm = new float[10];
                for (int k = 0; k < 5; k++) {
                    lm[2 * k] = cx + kps[10 * i + 2 * k] * s;
                    lm[2 * k + 1] = cy + kps[10 * i + 2 * k + 1] * s;
                }
                candidates.add(
                        cx - box[4 * i] * s,
                        cy - box[4 * i + 1] * s,
                        cx + box[4 * i + 2] * s,
                        cy + box[4 * i + 3] * s,
                        lm,
                        score);
            }
        }
        return candidates.select(settings.nmsIouThreshold(), in);
    }

    private float[] find(Map<String, FloatTensor> out, int anchors, int width) {
        for (FloatTensor t : out.values()) {
            if (t.dim(-1) == width && t.data().length == anchors * width) {
                return t.data();
            }
        }
        throw new IllegalStateException("model " + model.id() + ": expected an output of " + anchors + "x" + width
                + " values, found " + out.values());
    }

    @Override
    public DetectorSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        model.close();
    }
}
