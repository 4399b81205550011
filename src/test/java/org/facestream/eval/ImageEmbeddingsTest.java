package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.facestream.align.FaceAligner;
import org.facestream.config.VisionOptions;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.embed.OnnxFaceEmbedder;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.OnnxOptions;
import org.facestream.model.VerifiedPack;
import org.facestream.testing.SharedData;
import org.facestream.vision.FaceAnalyzer;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/** Model test: the production analyzer on LFW images, with and without the centre fallback. */
class ImageEmbeddingsTest {
    private static final ModelPack PACK = ModelPacks.YUNET_W600K_INT8;

    private static Path lfw(String name, int n) {
        return SharedData.face(String.format("lfw-view1/images/%s/%s_%04d.jpg", name, name, n));
    }

    @Test
    void embedsDistinctImagesOnceAndScoresSameAboveDifferent() {
        Path a1 = lfw("Abdullah_Gul", 13);
        Path a2 = lfw("Abdullah_Gul", 14);
        Path z = lfw("Zach_Safrin", 1);
        ImageEmbeddings e = ImageEmbeddings.compute(
                List.of(a1, a2, a1, z, a2),
                () -> EvalAnalyzers.open(PACK, SharedData.models(), VisionOptions.defaults(PACK), false),
                2,
                null);
        assertThat(e.size()).isEqualTo(3);
        assertThat(e.noFace()).isEmpty();
        assertThat(e.face(a1).face().face().score()).isGreaterThan(0.85f);
        // the equal-error threshold of this pack on LFW is near cosine 0.23
        assertThat(e.cosine(a1, a2)).isGreaterThan(0.4);
        assertThat(e.cosine(a1, z)).isLessThan(0.15);
    }

    @Test
    void centreFallbackCropStillMatchesTheSamePerson() {
        // a detector that never finds a face: every image goes through the fallback layout
        VerifiedPack files = ModelFiles.verify(PACK, SharedData.models());
        FaceDetector blind = new FaceDetector() {
            @Override
            public List<DetectedFace> detect(Mat bgrImage) {
                return List.of();
            }

            @Override
            public DetectorSettings settings() {
                return DetectorSettings.defaults(PACK.detectorKind(), 320);
            }

            @Override
            public void close() {}
        };
        Path a1 = lfw("Abdullah_Gul", 13);
        Path a2 = lfw("Abdullah_Gul", 14);
        Path z = lfw("Zach_Safrin", 1);
        try (FaceAnalyzer fallbackOnly = new FaceAnalyzer(
                        PACK,
                        new SubjectFaceDetector(blind, false),
                        FaceAligner.forPack(PACK),
                        OnnxFaceEmbedder.open(files.embedderPath(), PACK, false, OnnxOptions.cpu()),
                        VisionOptions.defaults(PACK),
                        new MetricsRegistry());
                FaceAnalyzer detecting =
                        EvalAnalyzers.open(PACK, SharedData.models(), VisionOptions.defaults(PACK), false)) {
            ImageFace fallback = ImageEmbeddings.embed(fallbackOnly, a1);
            assertThat(fallback.fallback()).isTrue();
            assertThat(fallback.detectedFaces()).isZero();
            ImageFace same = ImageEmbeddings.embed(detecting, a2);
            ImageFace other = ImageEmbeddings.embed(detecting, z);
            ImageFace selfDetected = ImageEmbeddings.embed(detecting, a1);
            assertThat(same.fallback()).isFalse();
            // the fallback crop of an image is close to the detected crop of the same image and still matches the
            // same person's other photo above the pack's LFW threshold (~0.23), but not someone else
            assertThat(fallback.face().cosine(selfDetected.face())).isGreaterThan(0.6);
            assertThat(fallback.face().cosine(same.face())).isGreaterThan(0.3);
            assertThat(fallback.face().cosine(other.face())).isLessThan(0.15);
        }
    }
}
