package org.facestream.detect;

import java.util.ArrayList;
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
    private final int maxBatch;

    /** Takes ownership of {@code model}, which must have SCRFD's nine score/box/key-point outputs. */
    public ScrfdDetector(OnnxModel model, DetectorSettings settings) {
        this(model, settings, 1);
    }

    /**
     * As above, running up to {@code maxBatch} images of one input size in one run of the graph (its batch
     * dimension is dynamic; outputs are [N, anchors, width]).
     */
    public ScrfdDetector(OnnxModel model, DetectorSettings settings, int maxBatch) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("expected maxBatch >= 1, found " + maxBatch);
        }
        this.maxBatch = maxBatch;
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
        return decode(out, 0, 1, in);
    }

    @Override
    public List<List<DetectedFace>> detect(List<Mat> bgrImages) {
        if (maxBatch == 1) {
            return FaceDetector.super.detect(bgrImages);
        }
        List<DetectorInput> inputs = new ArrayList<>(bgrImages.size());
        for (Mat image : bgrImages) {
            inputs.add(DetectorInput.of(image, settings, 127.5, 1 / 128.0, true));
        }
        List<List<DetectedFace>> out = new ArrayList<>(inputs.size());
        int start = 0;
        while (start < inputs.size()) {
            // a run of consecutive images of the same input size, at most maxBatch of them
            int end = start + 1;
            while (end < inputs.size()
                    && end - start < maxBatch
                    && inputs.get(end).width == inputs.get(start).width
                    && inputs.get(end).height == inputs.get(start).height) {
                end++;
            }
            int n = end - start;
            DetectorInput first = inputs.get(start);
            int size = 3 * first.width * first.height;
            float[] data = new float[n * size];
            for (int i = 0; i < n; i++) {
                System.arraycopy(inputs.get(start + i).tensor.data(), 0, data, i * size, size);
            }
            Map<String, FloatTensor> result = model.run(
                    new FloatTensor(data, n, 3, first.height, first.width),
                    "batch of " + n + " images at " + first.width + "x" + first.height);
            for (int i = 0; i < n; i++) {
                out.add(decode(result, i, n, inputs.get(start + i)));
            }
            start = end;
        }
        return out;
    }

    /** The faces of image {@code b} of a batch of {@code batch} in the graph's outputs. */
    private List<DetectedFace> decode(Map<String, FloatTensor> out, int b, int batch, DetectorInput in) {
        Candidates candidates = new Candidates();
        float threshold = settings.scoreThreshold();
        for (int s : STRIDES) {
            int cols = in.width / s;
            int n = ANCHORS * cols * (in.height / s);
            float[] scores = find(out, n, 1, batch);
            float[] box = find(out, n, 4, batch);
            float[] kps = find(out, n, 10, batch);
            int sOff = b * n;
            int bOff = b * n * 4;
            int kOff = b * n * 10;
            for (int i = 0; i < n; i++) {
                float score = scores[sOff + i];
                if (score < threshold) {
                    continue;
                }
                int cell = i / ANCHORS;
                float cx = (cell % cols) * s;
                float cy = (cell / cols) * s;
                float[] lm = new float[10];
                for (int k = 0; k < 5; k++) {
                    lm[2 * k] = cx + kps[kOff + 10 * i + 2 * k] * s;
                    lm[2 * k + 1] = cy + kps[kOff + 10 * i + 2 * k + 1] * s;
                }
                candidates.add(
                        cx - box[bOff + 4 * i] * s,
                        cy - box[bOff + 4 * i + 1] * s,
                        cx + box[bOff + 4 * i + 2] * s,
                        cy + box[bOff + 4 * i + 3] * s,
                        lm,
                        score);
            }
        }
        return candidates.select(settings.nmsIouThreshold(), in);
    }

    private float[] find(Map<String, FloatTensor> out, int anchors, int width, int batch) {
        for (FloatTensor t : out.values()) {
            if (t.dim(-1) == width && t.data().length == batch * anchors * width) {
                return t.data();
            }
        }
        throw new IllegalStateException("model " + model.id() + ": expected an output of " + batch + "x" + anchors + "x"
                + width + " values, found " + out.values());
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
