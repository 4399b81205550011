package org.facestream.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.facestream.align.FaceAligner;
import org.facestream.config.VisionOptions;
import org.facestream.config.WorkerConfig;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.embed.Embedding;
import org.facestream.embed.FaceEmbedder;
import org.facestream.events.BoundingBox;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceQuality;
import org.facestream.events.Frame;
import org.facestream.events.Topics;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.OpenCvNatives;
import org.facestream.vision.FaceAnalyzer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Frames whose content tells a scripted detector and embedder what to "see", so the worker's loop runs the
 * real {@link FaceAnalyzer} (alignment, quality, batching) without models: each {@link Scene} is a uniform
 * grey JPEG, and its grey level (which JPEG keeps within a few levels) selects the faces found, a detector
 * failure or a NaN embedding. Analyzers are cheap; each counts its closing in the given counter.
 */
final class ScriptedVision {
    static final ModelPack PACK = ModelPacks.DEFAULT;
    static final int WIDTH = 128;
    static final int HEIGHT = 96;
    static final Instant CAPTURED_AT = Instant.parse("2025-01-02T03:04:05Z");
    /** A good face: detector score 0.9, eyes 24 px apart (the worker gate asks for 0.6 and 6 px). */
    static final DetectedFace GOOD = face(0.9f);
    /** A face under the gate's detector score: dropped as {@code low-score}. */
    static final DetectedFace WEAK = face(0.3f);

    static {
        OpenCvNatives.load();
    }

    /** What a frame shows, by grey level. */
    enum Scene {
        ONE_FACE(50),
        TWO_FACES_ONE_WEAK(100),
        DETECTOR_FAILS(150),
        EMBEDDING_NAN(200),
        NO_FACE(250);

        final int grey;

        Scene(int grey) {
            this.grey = grey;
        }

        static Scene of(Mat image) {
            double grey = image.get(image.rows() / 2, image.cols() / 2)[0];
            for (Scene s : values()) {
                if (Math.abs(s.grey - grey) < 20) {
                    return s;
                }
            }
            throw new IllegalStateException("expected the grey level of a scene, found " + grey);
        }
    }

    private ScriptedVision() {}

    /** The worker settings the tests use: batches of up to 8 frames, 64 KiB frames, the default pixel limit. */
    static WorkerConfig config(String instanceId) {
        return new WorkerConfig(
                instanceId,
                8,
                64 * 1024,
                VisionOptions.DEFAULT_MAX_PIXELS,
                new FaceQuality.Gate(0.6, 6),
                false,
                Duration.ofMillis(100));
    }

    /** A uniform JPEG of {@code scene}, {@value #WIDTH}x{@value #HEIGHT}. */
    static byte[] jpeg(Scene scene) {
        Mat image = new Mat(HEIGHT, WIDTH, CvType.CV_8UC3, new Scalar(scene.grey, scene.grey, scene.grey));
        MatOfByte buf = new MatOfByte();
        try {
            if (!Imgcodecs.imencode(".jpg", image, buf)) {
                throw new IllegalStateException("expected OpenCV to encode a JPEG");
            }
            return buf.toArray();
        } finally {
            image.release();
            buf.release();
        }
    }

    /** The serialized frame {@code camera/sequence} showing {@code scene}. */
    static byte[] frameBytes(String camera, long sequence, Scene scene) {
        return frameBytes(new Frame(camera, sequence, CAPTURED_AT, sequence * 100, WIDTH, HEIGHT, jpeg(scene)));
    }

    static byte[] frameBytes(Frame frame) {
        return EventSerdes.frames().serialize(Topics.FRAMES, frame);
    }

    /** A record of the frames topic keyed by {@code camera}. */
    static ConsumerRecord<String, byte[]> record(int partition, long offset, String camera, byte[] value) {
        return new ConsumerRecord<>(Topics.FRAMES, partition, offset, camera, value);
    }

    /** An analyzer with the scripted detector and embedder and the pack's real aligner. */
    static FaceAnalyzer analyzer(AtomicInteger closed) {
        return new FaceAnalyzer(
                PACK,
                new Detector(closed),
                FaceAligner.forPack(PACK),
                new Embedder(),
                VisionOptions.defaults(PACK),
                new MetricsRegistry());
    }

    private static DetectedFace face(float score) {
        return new DetectedFace(
                new BoundingBox(40, 20, 48, 56), new float[] {52, 40, 76, 40, 64, 52, 54, 64, 74, 64}, score);
    }

    private record Detector(AtomicInteger closed) implements FaceDetector {
        @Override
        public List<DetectedFace> detect(Mat bgrImage) {
            return switch (Scene.of(bgrImage)) {
                case ONE_FACE, EMBEDDING_NAN -> List.of(GOOD);
                case TWO_FACES_ONE_WEAK -> List.of(GOOD, WEAK);
                case DETECTOR_FAILS -> throw new IllegalStateException("scripted detector failure");
                case NO_FACE -> List.of();
            };
        }

        @Override
        public DetectorSettings settings() {
            return new DetectorSettings(640, 0.5f, 0.3f);
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    /** Embeds every crop as the first unit vector, or NaN where the crop shows {@link Scene#EMBEDDING_NAN}. */
    private static final class Embedder implements FaceEmbedder {
        @Override
        public List<Embedding> embed(List<Mat> alignedCrops) {
            List<Embedding> out = new ArrayList<>();
            for (Mat crop : alignedCrops) {
                float[] v = new float[dimension()];
                v[0] = Scene.of(crop) == Scene.EMBEDDING_NAN ? Float.NaN : 1;
                out.add(new Embedding(v, 20));
            }
            return out;
        }

        @Override
        public int dimension() {
            return PACK.embeddingDimension();
        }

        @Override
        public void close() {}
    }
}
