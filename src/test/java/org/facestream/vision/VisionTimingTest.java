package org.facestream.vision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.facestream.align.FaceAligner;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.embed.OnnxFaceEmbedder;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.OnnxOptions;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.opencv.core.Mat;

/**
 * Per-image milliseconds of decode, detect and embed on one ONNX thread over LFW-like 250x250 photos.
 * Prints, asserts nothing about time: run with {@code -Dtest=VisionTimingTest -Dfacestream.bench=true}.
 */
@EnabledIfSystemProperty(named = "facestream.bench", matches = "true")
class VisionTimingTest {
    private static final int IMAGES = 200;

    @Test
    void printsMillisecondsPerImage() throws Exception {
        List<byte[]> jpegs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SharedData.faces().resolve("lfw-view1/images"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jpg"))
                    .sorted()
                    .limit(IMAGES)
                    .toList()) {
                jpegs.add(Files.readAllBytes(p));
            }
        }
        for (ModelPack pack : List.of(
                ModelPacks.YUNET_W600K_INT8,
                ModelPacks.SCRFD_W600K_INT8,
                ModelPacks.YUNET_MBF_CASIA,
                ModelPacks.YUNET_FACEPLUGIN_512)) {
            var files = ModelFiles.verify(pack, SharedData.models());
            try (FaceDetector detector = FaceDetector.open(
                            pack.detectorKind(),
                            files.detectorPath(),
                            DetectorSettings.defaults(pack.detectorKind(), 320),
                            OnnxOptions.cpu());
                    OnnxFaceEmbedder embedder =
                            OnnxFaceEmbedder.open(files.embedderPath(), pack, false, OnnxOptions.cpu())) {
                FaceAligner aligner = FaceAligner.forPack(pack);
                long decodeNs = 0, detectNs = 0, alignNs = 0, embedNs = 0;
                List<Mat> crops = new ArrayList<>();
                for (int round = 0; round < 2; round++) { // the first round warms up
                    decodeNs = detectNs = alignNs = embedNs = 0;
                    crops.forEach(Mat::release);
                    crops.clear();
                    for (byte[] jpeg : jpegs) {
                        long t0 = System.nanoTime();
                        Mat image = FrameDecoder.decodeJpeg(jpeg);
                        long t1 = System.nanoTime();
                        List<DetectedFace> faces = detector.detect(image);
                        long t2 = System.nanoTime();
                        Mat crop = aligner.align(image, faces.get(0).landmarks());
                        long t3 = System.nanoTime();
                        embedder.embed(List.of(crop));
                        long t4 = System.nanoTime();
                        crops.add(crop);
                        image.release();
                        decodeNs += t1 - t0;
                        detectNs += t2 - t1;
                        alignNs += t3 - t2;
                        embedNs += t4 - t3;
                    }
                }
                long t = System.nanoTime();
                for (int i = 0; i < crops.size(); i += 16) {
                    embedder.embed(crops.subList(i, Math.min(crops.size(), i + 16)));
                }
                long batchNs = System.nanoTime() - t;
                crops.forEach(Mat::release);
                double n = jpegs.size();
                System.out.printf(
                        "TIMING %-22s decode %.2f ms, detect %.2f ms, align %.2f ms, embed %.2f ms/face (batch 1),"
                                + " %.2f ms/face (batch 16)%n",
                        pack.id(),
                        decodeNs / n / 1e6,
                        detectNs / n / 1e6,
                        alignNs / n / 1e6,
                        embedNs / n / 1e6,
                        batchNs / n / 1e6);
            }
        }
    }
}
