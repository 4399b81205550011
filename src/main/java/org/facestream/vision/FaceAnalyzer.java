package org.facestream.vision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.facestream.align.FaceAligner;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionOptions;
import org.facestream.config.VisionSetup;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.embed.Embedding;
import org.facestream.embed.FaceEmbedder;
import org.facestream.embed.OnnxFaceEmbedder;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.DetectorKind;
import org.facestream.model.ExecutionProvider;
import org.facestream.model.LicenceNotice;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.OnnxOptions;
import org.facestream.model.VerifiedPack;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfDouble;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Detect, align, embed: the one path the vision worker, enrollment and the evaluations share, so a gallery
 * enrolled offline matches what the worker sees live.
 *
 * <p>Thread safety: {@link #analyze} may be called concurrently (detector and embedder sessions allow
 * concurrent runs); on small CPUs one analyzer per worker thread with one ONNX thread each is faster.
 * {@link #close} must be called once, after every call has returned.
 */
public final class FaceAnalyzer implements AutoCloseable {
    // Per-stage latency (detect per frame, align and embed per face), exported as facestream_stage_latency_seconds.
    private final LatencyHistogram detectLatency;
    private final LatencyHistogram alignLatency;
    private final LatencyHistogram embedLatency;

    private static final int THUMBNAIL_JPEG_QUALITY = 85;
    /** The refiner's input: the region around a face (twice its size) scaled to 192 px puts the face near 96 px. */
    private static final int REFINE_INPUT = 192;
    /** The refiner looks where a face was just found: a low threshold keeps a poorly lit one. */
    private static final float REFINE_SCORE = 0.3f;

    private final ModelPack pack;
    private final FaceDetector detector;
    private final FaceAligner aligner;
    private final FaceEmbedder embedder;
    private final FrameDecoder decoder;
    private final boolean thumbnails;
    private final LandmarkRefiner refiner;
    private final LatencyHistogram refineLatency;

    /**
     * Assembles an analyzer from parts; takes ownership of the detector and the embedder. Stage latencies go
     * to {@code metrics} ({@code stage_latency_seconds}).
     */
    public FaceAnalyzer(
            ModelPack pack,
            FaceDetector detector,
            FaceAligner aligner,
            FaceEmbedder embedder,
            VisionOptions options,
            MetricsRegistry metrics) {
        this(pack, detector, aligner, embedder, null, options, metrics);
    }

    /**
     * As above with a second detector that places the landmarks of every face about to be embedded again (null:
     * none); takes ownership of it too.
     */
    public FaceAnalyzer(
            ModelPack pack,
            FaceDetector detector,
            FaceAligner aligner,
            FaceEmbedder embedder,
            FaceDetector landmarkRefiner,
            VisionOptions options,
            MetricsRegistry metrics) {
        this.refiner = landmarkRefiner == null ? null : new LandmarkRefiner(landmarkRefiner);
        this.refineLatency = stage(metrics, "refine");
        this.detectLatency = stage(metrics, "detect");
        this.alignLatency = stage(metrics, "align");
        this.embedLatency = stage(metrics, "embed");
        this.pack = Objects.requireNonNull(pack, "pack");
        this.detector = Objects.requireNonNull(detector, "detector");
        this.aligner = Objects.requireNonNull(aligner, "aligner");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.decoder = new FrameDecoder(options.maxPixels());
        this.thumbnails = options.thumbnails();
        if (embedder.dimension() != pack.embeddingDimension()) {
            throw new IllegalArgumentException("expected an embedder of dimension " + pack.embeddingDimension()
                    + " for pack " + pack.id() + ", found " + embedder.dimension());
        }
    }

    /**
     * Verifies the pack's files in {@code modelsDir} (sha256) and opens detector and embedder.
     *
     * @throws org.facestream.model.ModelFileException when a file is missing, unpinned or does not match
     * @throws org.facestream.model.InferenceException when a session cannot be opened (e.g. CUDA absent)
     */
    public static FaceAnalyzer open(ModelPack pack, Path modelsDir, VisionOptions options) {
        return open(pack, modelsDir, options, new MetricsRegistry());
    }

    /** As {@link #open(ModelPack, Path, VisionOptions)}, recording stage latencies in {@code metrics}. */
    public static FaceAnalyzer open(ModelPack pack, Path modelsDir, VisionOptions options, MetricsRegistry metrics) {
        return open(pack, modelsDir, options, metrics, UnaryOperator.identity());
    }

    /**
     * As above, with the opened detector wrapped by {@code detectorWrapper} (evaluations pick one face per
     * photo this way); the wrapper owns and closes the detector it wraps.
     */
    public static FaceAnalyzer open(
            ModelPack pack,
            Path modelsDir,
            VisionOptions options,
            MetricsRegistry metrics,
            UnaryOperator<FaceDetector> detectorWrapper) {
        VerifiedPack files = ModelFiles.verify(pack, modelsDir);
        LicenceNotice.onLoad(pack);
        OnnxOptions onnx =
                new OnnxOptions(options.threads(), options.cuda() ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
        DetectorSettings settings = new DetectorSettings(
                options.detectorInputSize(),
                options.scoreThreshold(),
                options.nmsIouThreshold(),
                options.detectorFollowsFrame());
        FaceDetector detector =
                detectorWrapper.apply(FaceDetector.open(pack.detectorKind(), files.detectorPath(), settings, onnx));
        FaceDetector refiner = null;
        try {
            if (options.refineLandmarks()) {
                refiner = FaceDetector.open(
                        DetectorKind.SCRFD,
                        ModelFiles.verify(ModelPacks.LANDMARK_REFINER, modelsDir),
                        new DetectorSettings(REFINE_INPUT, REFINE_SCORE, DetectorKind.SCRFD.defaultNmsIouThreshold()),
                        onnx);
            }
            FaceEmbedder embedder = OnnxFaceEmbedder.open(files.embedderPath(), pack, options.flip(), onnx);
            return new FaceAnalyzer(pack, detector, FaceAligner.forPack(pack), embedder, refiner, options, metrics);
        } catch (RuntimeException e) {
            detector.close();
            if (refiner != null) {
                refiner.close();
            }
            throw e;
        }
    }

    /** The analyzer for camera frames of {@code cfg} (its detector input size), stage latencies in {@code metrics}. */
    public static FaceAnalyzer forFrames(FaceStreamConfig cfg, MetricsRegistry metrics) {
        ModelPack pack = VisionSetup.pack(cfg);
        return open(pack, VisionSetup.modelsDir(cfg), VisionSetup.frameOptions(cfg, pack), metrics);
    }

    /** The analyzer for enrollment portraits of {@code cfg} (the pack's own detector input size). */
    public static FaceAnalyzer forPortraits(FaceStreamConfig cfg, MetricsRegistry metrics) {
        ModelPack pack = VisionSetup.pack(cfg);
        return open(pack, VisionSetup.modelsDir(cfg), VisionSetup.portraitOptions(cfg, pack), metrics);
    }

    public ModelPack pack() {
        return pack;
    }

    /** The decoder with this analyzer's pixel limit. */
    public FrameDecoder decoder() {
        return decoder;
    }

    /** Detection only, e.g. to pick a face before embedding; latency recorded as stage {@code detect}. */
    public List<DetectedFace> detect(Mat bgr) {
        long t0 = System.nanoTime();
        List<DetectedFace> faces = detector.detect(bgr);
        detectLatency.recordMicros((System.nanoTime() - t0) / 1000.0);
        return faces;
    }

    /**
     * Detection on several frames (e.g. of several cameras), batched where the detector and its execution
     * provider gain from it; latency recorded per frame as stage {@code detect}.
     *
     * @return one list per frame, in order
     */
    public List<List<DetectedFace>> detect(List<Mat> frames) {
        if (frames.isEmpty()) {
            return List.of();
        }
        long t0 = System.nanoTime();
        List<List<DetectedFace>> faces = detector.detect(frames);
        double perFrame = (System.nanoTime() - t0) / 1000.0 / frames.size();
        for (int i = 0; i < frames.size(); i++) {
            detectLatency.recordMicros(perFrame);
        }
        return faces;
    }

    /**
     * Warps {@code face} of {@code bgr} to the embedder's template and measures its quality (eye distance,
     * sharpness of the crop, pose), without embedding it; latency recorded as stage {@code align}. The caller
     * closes the result (or hands it to {@link #embed}, which does not).
     */
    public AlignedFace align(Mat bgr, DetectedFace face) {
        long t0 = System.nanoTime();
        Mat crop = aligner.align(bgr, face.landmarks());
        try {
            float[] lm = face.landmarks();
            double ex = lm[2] - lm[0];
            double ey = lm[3] - lm[1];
            double iod = Math.hypot(ex, ey);
            double roll = Math.toDegrees(Math.atan2(ey, ex));
            // Yaw: the nose tip sits about half an inter-ocular distance in front of the eyes, so its sideways
            // offset from the eye midpoint, along the eye line, over half that distance is tan(yaw). Positive yaw:
            // the nose points to the image right.
            double yaw = 0;
            if (iod > 0) {
                double nx = lm[4] - (lm[0] + lm[2]) / 2.0;
                double ny = lm[5] - (lm[1] + lm[3]) / 2.0;
                double along = (nx * ex + ny * ey) / iod;
                yaw = Math.toDegrees(Math.atan(along / (iod / 2)));
            }
            AlignedFace aligned = new AlignedFace(face, crop, iod, sharpness(crop), yaw, roll);
            alignLatency.recordMicros((System.nanoTime() - t0) / 1000.0);
            return aligned;
        } catch (RuntimeException e) {
            crop.release();
            throw e;
        }
    }

    /** Whether faces are refined ({@code vision.refine.landmarks}). */
    public boolean refinesLandmarks() {
        return refiner != null;
    }

    /**
     * {@code face} aligned again on the landmarks the refiner places (latency recorded as stage {@code refine}), the
     * given face closed; {@code face} itself when there is no refiner or it found nothing better.
     */
    public AlignedFace refine(Mat bgr, AlignedFace face) {
        if (refiner == null) {
            return face;
        }
        long t0 = System.nanoTime();
        DetectedFace refined = refiner.refine(bgr, face.face());
        refineLatency.recordMicros((System.nanoTime() - t0) / 1000.0);
        if (refined == face.face()) {
            return face;
        }
        AlignedFace again = align(bgr, refined);
        face.close();
        return again;
    }

    /**
     * Embeds aligned faces in one batch (the embedder's own batch size); latency recorded per face as stage
     * {@code embed}. The crops stay owned by the caller.
     *
     * @return one analysed face per input, in order
     */
    public List<AnalyzedFace> embed(List<AlignedFace> faces) {
        if (faces.isEmpty()) {
            return List.of();
        }
        List<Mat> crops = new ArrayList<>(faces.size());
        for (AlignedFace f : faces) {
            crops.add(f.crop());
        }
        long t0 = System.nanoTime();
        List<Embedding> embeddings = embedder.embed(crops);
        double perFace = (System.nanoTime() - t0) / 1000.0 / crops.size();
        for (int i = 0; i < crops.size(); i++) {
            embedLatency.recordMicros(perFace);
        }
        List<AnalyzedFace> out = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            AlignedFace f = faces.get(i);
            Embedding e = embeddings.get(i);
            out.add(new AnalyzedFace(f.face(), f.quality(e.rawNorm()), e.vector(), thumbnails ? jpeg(f.crop()) : null));
        }
        return out;
    }

    /** Every face in a BGR frame, highest detector score first. */
    public List<AnalyzedFace> analyze(Mat bgr) {
        return analyze(List.of(bgr)).get(0);
    }

    /** Decodes JPEG/PNG bytes (pixel limit applied) and analyzes them. */
    public List<AnalyzedFace> analyze(byte[] encodedImage) {
        Mat bgr = decoder.decode(encodedImage);
        try {
            return analyze(bgr);
        } finally {
            bgr.release();
        }
    }

    /**
     * Every face of several frames, the faces of all frames embedded together in batches.
     *
     * @return one list per frame, in frame order; each highest score first
     */
    public List<List<AnalyzedFace>> analyze(List<Mat> frames) {
        List<List<DetectedFace>> detections = detect(frames);
        List<AlignedFace> aligned = new ArrayList<>();
        try {
            for (int f = 0; f < frames.size(); f++) {
                for (DetectedFace face : detections.get(f)) {
                    aligned.add(align(frames.get(f), face));
                    aligned.set(aligned.size() - 1, refine(frames.get(f), aligned.getLast()));
                }
            }
            List<AnalyzedFace> embedded = embed(aligned);
            List<List<AnalyzedFace>> result = new ArrayList<>(frames.size());
            int k = 0;
            for (List<DetectedFace> faces : detections) {
                result.add(List.copyOf(embedded.subList(k, k + faces.size())));
                k += faces.size();
            }
            return result;
        } finally {
            aligned.forEach(AlignedFace::close);
        }
    }

    /** Variance of the Laplacian of the grey crop: low for blurred faces. */
    static double sharpness(Mat bgrCrop) {
        Mat grey = new Mat();
        Mat lap = new Mat();
        MatOfDouble mean = new MatOfDouble();
        MatOfDouble std = new MatOfDouble();
        try {
            Imgproc.cvtColor(bgrCrop, grey, Imgproc.COLOR_BGR2GRAY);
            Imgproc.Laplacian(grey, lap, CvType.CV_64F);
            Core.meanStdDev(lap, mean, std);
            double s = std.get(0, 0)[0];
            return s * s;
        } finally {
            grey.release();
            lap.release();
            mean.release();
            std.release();
        }
    }

    private static byte[] jpeg(Mat crop) {
        MatOfByte buf = new MatOfByte();
        MatOfInt params = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, THUMBNAIL_JPEG_QUALITY);
        try {
            if (!Imgcodecs.imencode(".jpg", crop, buf, params)) {
                throw new IllegalStateException(
                        "expected OpenCV to encode a " + crop.size() + " crop as JPEG, found failure");
            }
            return buf.toArray();
        } finally {
            buf.release();
            params.release();
        }
    }

    private static LatencyHistogram stage(MetricsRegistry metrics, String name) {
        return metrics.histogram(
                "stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", name));
    }

    @Override
    public void close() {
        try {
            embedder.close();
        } finally {
            try {
                detector.close();
            } finally {
                if (refiner != null) {
                    refiner.close();
                }
            }
        }
    }
}
