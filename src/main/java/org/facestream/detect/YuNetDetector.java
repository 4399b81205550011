package org.facestream.detect;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.facestream.model.FloatTensor;
import org.facestream.model.OnnxModel;
import org.facestream.model.OpenCvNatives;
import org.opencv.core.Mat;

/**
 * OpenCV Zoo YuNet (anchor-free, strides 8/16/32). Input BGR, raw 0..255. Per cell (row r, col c) of stride
 * s: score = sqrt(cls * obj), centre = ((c + b0) s, (r + b1) s), size = (exp(b2) s, exp(b3) s), landmark i =
 * ((k2i + c) s, (k2i+1 + r) s). Thread-safe for {@link #detect}; owns and closes its {@link OnnxModel}.
 */
public final class YuNetDetector implements FaceDetector {
    private static final int[] STRIDES = {8, 16, 32};

    private final OnnxModel model;
    private final DetectorSettings settings;

    /** Takes ownership of {@code model}, which must have YuNet's outputs cls/obj/bbox/kps_8/16/32. */
    public YuNetDetector(OnnxModel model, DetectorSettings settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
        for (int s : STRIDES) {
            for (String head : new String[] {"cls_", "obj_", "bbox_", "kps_"}) {
                if (!model.outputNames().contains(head + s)) {
                    throw new IllegalArgumentException("model " + model.id() + ": expected YuNet output " + head + s
                            + ", found outputs " + model.outputNames());
                }
            }
        }
        OpenCvNatives.load();
    }

    @Override
    public List<DetectedFace> detect(Mat bgrImage) {
        DetectorInput in = DetectorInput.of(bgrImage, settings, 0, 1, false);
        Map<String, FloatTensor> out = model.run(
                in.tensor, "image " + in.sourceWidth + "x" + in.sourceHeight + " at " + in.width + "x" + in.height);
        Candidates candidates = new Candidates();
        float threshold = settings.scoreThreshold();
        for (int s : STRIDES) {
            int cols = in.width / s;
            int n = cols * (in.height / s);
            float[] cls = head(out, "cls_" + s, n, 1);
            float[] obj = head(out, "obj_" + s, n, 1);
            float[] box = head(out, "bbox_" + s, n, 4);
            float[] kps = head(out, "kps_" + s, n, 10);
            for (int i = 0; i < n; i++) {
                float score = (float) Math.sqrt(clamp01(cls[i]) * clamp01(obj[i]));
                if (score < threshold) {
                    continue;
                }
                int r = i / cols;
                int c = i % cols;
                float cx = (c + box[4 * i]) * s;
                float cy = (r + box[4 * i + 1]) * s;
                float w = (float) Math.exp(box[4 * i + 2]) * s;
                float h = (float) Math.exp(box[4 * i + 3]) * s;
                float[] lm = new float[10];
                for (int k = 0; k < 5; k++) {
                    lm[2 * k] = (kps[10 * i + 2 * k] + c) * s;
                    lm[2 * k + 1] = (kps[10 * i + 2 * k + 1] + r) * s;
                }
                candidates.add(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, lm, score);
            }
        }
        return candidates.select(settings.nmsIouThreshold(), in);
    }

    private float[] head(Map<String, FloatTensor> out, String name, int cells, int width) {
        float[] v = out.get(name).data();
        if (v.length != cells * width) {
            throw new IllegalStateException("model " + model.id() + ": expected " + cells * width + " values in " + name
                    + ", found " + v.length);
        }
        return v;
    }

    private static float clamp01(float v) {
        return Math.min(1f, Math.max(0f, v));
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
