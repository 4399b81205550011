package org.facestream.embed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.facestream.model.ChannelOrder;
import org.facestream.model.ExecutionProvider;
import org.facestream.model.FloatTensor;
import org.facestream.model.ModelPack;
import org.facestream.model.OnnxModel;
import org.facestream.model.OnnxOptions;
import org.facestream.model.OpenCvNatives;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;

/**
 * An ONNX embedder of a {@link ModelPack}: preprocessing per pack (channel order, mean, scale) done by
 * OpenCV's {@code blobFromImage}, one native pass per crop, crops run in batches (one at a time for graphs whose
 * batch dimension is fixed at 1). With test-time flip, each crop's mirror is embedded too and the two raw
 * embeddings are summed before normalising. Thread-safe for {@link #embed}; owns its {@link OnnxModel}.
 */
public final class OnnxFaceEmbedder implements FaceEmbedder {
    /** Larger batches gave no further speed-up on CPU and only raise latency and memory. */
    private static final int MAX_DYNAMIC_BATCH = 32;

    private final OnnxModel model;
    private final ModelPack pack;
    private final boolean flip;
    private final int batch;
    private final boolean fixedBatch;

    /** Takes ownership of {@code model}; checks its input against the pack's crop size. */
    public OnnxFaceEmbedder(OnnxModel model, ModelPack pack, boolean flip) {
        this(model, pack, flip, MAX_DYNAMIC_BATCH);
    }

    /**
     * As above with a largest batch for graphs with a dynamic batch dimension. Dynamically quantised (int8)
     * embedders compute activation scales per batch, so a face's embedding shifts with the other faces in its
     * batch (cosine down to 0.95 seen on LFW); on CPU batching brought no speed-up either (9.8 vs 10.4 ms a
     * face), so CPU sessions embed one face per run and stay reproducible.
     */
    public OnnxFaceEmbedder(OnnxModel model, ModelPack pack, boolean flip, int maxDynamicBatch) {
        this.model = Objects.requireNonNull(model, "model");
        this.pack = Objects.requireNonNull(pack, "pack");
        this.flip = flip;
        long[] shape = model.inputShape(model.inputNames().get(0));
        if (shape.length != 4
                || shape[1] != 3
                || shape[2] != pack.embedderHeight()
                || shape[3] != pack.embedderWidth()) {
            throw new IllegalArgumentException("model " + model.id() + ": expected input [N,3," + pack.embedderHeight()
                    + "," + pack.embedderWidth() + "] for pack " + pack.id() + ", found " + Arrays.toString(shape));
        }
        this.fixedBatch = shape[0] > 0;
        if (maxDynamicBatch < 1) {
            throw new IllegalArgumentException("expected maxDynamicBatch >= 1, found " + maxDynamicBatch);
        }
        this.batch = fixedBatch ? (int) shape[0] : maxDynamicBatch;
        OpenCvNatives.load();
    }

    /** Opens the embedder file of {@code pack} (verify it with {@code ModelFiles} first). */
    public static OnnxFaceEmbedder open(Path file, ModelPack pack, boolean flip, OnnxOptions onnx) {
        OnnxModel model = OnnxModel.open(file, file.getFileName().toString(), onnx);
        try {
            return new OnnxFaceEmbedder(
                    model, pack, flip, onnx.provider() == ExecutionProvider.CPU ? 1 : MAX_DYNAMIC_BATCH);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public int dimension() {
        return pack.embeddingDimension();
    }

    /** True when mirrored crops are embedded too. */
    public boolean flip() {
        return flip;
    }

    @Override
    public List<Embedding> embed(List<Mat> alignedCrops) {
        int n = alignedCrops.size();
        if (n == 0) {
            return List.of();
        }
        for (int i = 0; i < n; i++) {
            Mat c = alignedCrops.get(i);
            if (c == null
                    || c.empty()
                    || c.type() != CvType.CV_8UC3
                    || c.rows() != pack.embedderHeight()
                    || c.cols() != pack.embedderWidth()) {
                throw new IllegalArgumentException("expected crop " + i + " to be 8-bit BGR " + pack.embedderHeight()
                        + "x" + pack.embedderWidth() + ", found " + describe(c));
            }
        }
        List<Mat> items = new ArrayList<>(flip ? 2 * n : n);
        List<Mat> mirrors = new ArrayList<>();
        try {
            items.addAll(alignedCrops);
            if (flip) {
                for (Mat c : alignedCrops) {
                    Mat m = new Mat();
                    mirrors.add(m);
                    Core.flip(c, m, 1);
                    items.add(m);
                }
            }
            float[][] raw = run(items);
            List<Embedding> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                float[] v = raw[i].clone();
                float rawNorm = (float) norm(v);
                if (flip) {
                    for (int k = 0; k < v.length; k++) {
                        v[k] += raw[n + i][k];
                    }
                }
                double norm = norm(v);
                if (!(norm > 0) || !Double.isFinite(norm)) {
                    throw new IllegalStateException("model " + model.id()
                            + ": expected a finite non-zero embedding for crop " + i + ", found norm " + norm);
                }
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) (v[k] / norm);
                }
                out.add(new Embedding(v, rawNorm));
            }
            return out;
        } finally {
            mirrors.forEach(Mat::release);
        }
    }

    private float[][] run(List<Mat> items) {
        int dim = pack.embeddingDimension();
        float[][] raw = new float[items.size()][];
        int h = pack.embedderHeight();
        int w = pack.embedderWidth();
        double mean = pack.pixelMean();
        for (int start = 0; start < items.size(); start += batch) {
            int count = Math.min(batch, items.size() - start);
            List<Mat> chunk = new ArrayList<>(items.subList(start, start + count));
            while (fixedBatch && chunk.size() < batch) {
                chunk.add(chunk.get(chunk.size() - 1)); // a graph with a fixed batch > 1 needs it filled
            }
            int plane = 3 * h * w;
            float[] data = new float[chunk.size() * plane];
            float[] one = new float[plane];
            for (int i = 0; i < chunk.size(); i++) {
                // One blobFromImage per crop, never blobFromImages(List): that wrapper packs the list into a
                // temporary Mat that is unreachable while its native code reads it, so a GC in that window lets
                // the temporary's finalizer free it mid-read (a use-after-free: wrong batches, or a JVM crash).
                // Each crop here is held by the caller until it releases it after this call.
                Mat blob = Dnn.blobFromImage(
                        chunk.get(i),
                        pack.pixelScale(),
                        new Size(w, h),
                        new Scalar(mean, mean, mean),
                        pack.channelOrder() == ChannelOrder.RGB,
                        false);
                try {
                    blob.get(new int[] {0, 0, 0, 0}, one);
                } finally {
                    blob.release();
                }
                System.arraycopy(one, 0, data, i * plane, plane);
            }
            FloatTensor input = new FloatTensor(data, chunk.size(), 3, h, w);
            FloatTensor output = model.run(input, "batch of " + count + " aligned crops")
                    .values()
                    .iterator()
                    .next();
            float[] values = output.data();
            if (values.length != chunk.size() * dim) {
                throw new IllegalStateException("model " + model.id() + ": expected " + chunk.size() + "x" + dim
                        + " embedding values, found shape " + Arrays.toString(output.shape()));
            }
            for (int i = 0; i < count; i++) {
                raw[start + i] = Arrays.copyOfRange(values, i * dim, (i + 1) * dim);
            }
        }
        return raw;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static String describe(Mat m) {
        if (m == null) {
            return "null";
        }
        return m.empty() ? "an empty Mat" : m.rows() + "x" + m.cols() + " " + CvType.typeToString(m.type());
    }

    @Override
    public void close() {
        model.close();
    }
}
