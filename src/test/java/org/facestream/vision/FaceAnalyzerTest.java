package org.facestream.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facestream.config.VisionOptions;
import org.facestream.events.FaceQuality;
import org.facestream.model.ModelFileException;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** The production path on real photos with the real default pack. */
class FaceAnalyzerTest {
    private static FaceAnalyzer analyzer;
    private static Mat obama;
    private static Mat obamaProbe;
    private static Mat biden;
    private static Mat twoPeople;

    @BeforeAll
    static void open() throws Exception {
        analyzer =
                FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
        obama = read("people/obama/obama.jpg");
        obamaProbe = read("probes/obama1.jpg");
        biden = read("people/biden/biden.jpg");
        twoPeople = read("groups/two_people.jpg");
    }

    static Mat read(String face) throws Exception {
        return FrameDecoder.decodeJpeg(Files.readAllBytes(SharedData.face(face)));
    }

    @AfterAll
    static void close() {
        analyzer.close();
        List.of(obama, obamaProbe, biden, twoPeople).forEach(Mat::release);
    }

    static AnalyzedFace single(FaceAnalyzer a, Mat image) {
        List<AnalyzedFace> faces = a.analyze(image);
        assertThat(faces).hasSize(1);
        return faces.get(0);
    }

    @Test
    void obamaIsCloseToAnotherPhotoOfObamaAndFarFromBiden() {
        AnalyzedFace o = single(analyzer, obama);
        AnalyzedFace probe = single(analyzer, obamaProbe);
        AnalyzedFace b = single(analyzer, biden);
        assertThat(o.cosine(probe)).isBetween(0.6, 0.8); // measured 0.69
        assertThat(o.cosine(b)).isBetween(-0.15, 0.15); // measured -0.04
        assertThat(o.cosine(probe) - o.cosine(b)).isGreaterThan(0.5);
        assertThat(o.cosine(probe)).isGreaterThan(ModelPacks.DEFAULT.defaultCosineThreshold());
    }

    @Test
    void refinedLandmarksAreScrfdsOnTheRegionAroundTheFaceAndTheFaceStaysTheSamePerson() {
        try (FaceAnalyzer refining = FaceAnalyzer.open(
                        ModelPacks.DEFAULT,
                        SharedData.models(),
                        VisionOptions.defaults(ModelPacks.DEFAULT).withRefinedLandmarks(true));
                FaceAnalyzer scrfd = FaceAnalyzer.open(
                        ModelPacks.SCRFD_W600K_INT8,
                        SharedData.models(),
                        VisionOptions.defaults(ModelPacks.SCRFD_W600K_INT8))) {
            assertThat(refining.refinesLandmarks()).isTrue();
            assertThat(analyzer.refinesLandmarks()).isFalse();
            AnalyzedFace refined = single(refining, obama);
            AnalyzedFace plain = single(analyzer, obama);
            AnalyzedFace byScrfd = single(scrfd, obama);
            float[] r = refined.face().landmarks();
            float[] s = byScrfd.face().landmarks();
            float[] y = plain.face().landmarks();
            double iod = plain.quality().interOcularPx();
            double fromScrfd = 0;
            double fromYunet = 0;
            for (int i = 0; i < 10; i++) {
                fromScrfd = Math.max(fromScrfd, Math.abs(r[i] - s[i]));
                fromYunet = Math.max(fromYunet, Math.abs(r[i] - y[i]));
            }
            // SCRFD on the face's region places the points where SCRFD on the whole photo does, not where YuNet does
            assertThat(fromScrfd).as("largest landmark distance to SCRFD's, px").isLessThan(0.08 * iod);
            assertThat(fromYunet).as("largest landmark distance to YuNet's, px").isGreaterThan(fromScrfd);
            assertThat(refined.quality().detectorScore())
                    .isEqualTo(plain.quality().detectorScore());
            assertThat(refined.cosine(plain)).isGreaterThan(0.9);
            assertThat(refined.cosine(single(refining, obamaProbe))).isGreaterThan(0.6);
        }
    }

    @Test
    void theSameFaceAtHalfTheResolutionEmbedsAlike() {
        Mat half = new Mat();
        Imgproc.resize(obama, half, new Size(obama.cols() / 2, obama.rows() / 2), 0, 0, Imgproc.INTER_AREA);
        try {
            AnalyzedFace full = single(analyzer, obama);
            AnalyzedFace small = single(analyzer, half);
            assertThat(full.cosine(small)).isGreaterThan(0.9);
            assertThat(small.quality().interOcularPx()).isCloseTo(full.quality().interOcularPx() / 2, within(3f));
        } finally {
            half.release();
        }
    }

    @Test
    void qualityDescribesAFrontalSharpPortrait() {
        FaceQuality q = single(analyzer, obama).quality();
        assertThat(q.detectorScore()).isBetween(0.9f, 1f);
        assertThat(q.interOcularPx()).isCloseTo(119f, within(3f));
        assertThat(q.yawDegrees()).isBetween(-10f, 10f);
        assertThat(q.rollDegrees()).isBetween(-5f, 5f);
        assertThat(q.sharpness()).isGreaterThan(1000f); // measured 1970; the blurred copy below drops far lower
        assertThat(q.embeddingNorm()).isBetween(20f, 32f);
        Mat blurred = new Mat();
        Imgproc.GaussianBlur(obama, blurred, new Size(0, 0), 6);
        try {
            FaceQuality b = single(analyzer, blurred).quality();
            assertThat(b.sharpness()).isLessThan(q.sharpness() / 5);
            assertThat(b.embeddingNorm()).isLessThan(q.embeddingNorm());
        } finally {
            blurred.release();
        }
    }

    @Test
    void aTurnedHeadHasALargerYawThanAFrontalOne() {
        assertThat(single(analyzer, obamaProbe).quality().yawDegrees()).isBetween(12f, 35f); // measured 21
    }

    @Test
    void batchesOfFramesGiveTheSameFacesAsOneFrameAtATime() {
        List<List<AnalyzedFace>> batch = analyzer.analyze(List.of(obama, twoPeople, biden));
        assertThat(batch).extracting(List::size).containsExactly(1, 2, 1);
        List<AnalyzedFace> alone = analyzer.analyze(twoPeople);
        for (int i = 0; i < 2; i++) {
            assertThat(batch.get(1).get(i).face()).isEqualTo(alone.get(i).face());
            // int8 dynamic quantisation scales activations per batch, so batched embeddings differ slightly
            assertThat(batch.get(1).get(i).cosine(alone.get(i))).isGreaterThan(0.99);
        }
        assertThat(analyzer.analyze(List.of())).isEmpty();
    }

    @Test
    void thumbnailsAreJpegsOfTheAlignedCrop() throws Exception {
        VisionOptions options = VisionOptions.defaults(ModelPacks.DEFAULT).withThumbnails(true);
        try (FaceAnalyzer a = FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), options)) {
            byte[] jpeg = single(a, obama).thumbnailJpeg();
            Mat crop = Imgcodecs.imdecode(new MatOfByte(jpeg), Imgcodecs.IMREAD_COLOR);
            assertThat(crop.size()).isEqualTo(new Size(112, 112));
            crop.release();
        }
        assertThat(single(analyzer, obama).thumbnailJpeg()).isNull();
    }

    @Test
    void flipAddsTheMirrorEmbeddingAndKeepsIdentity() {
        VisionOptions options = VisionOptions.defaults(ModelPacks.DEFAULT).withFlip(true);
        try (FaceAnalyzer a = FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), options)) {
            AnalyzedFace plain = single(analyzer, obama);
            AnalyzedFace flipped = single(a, obama);
            assertThat(flipped.cosine(plain)).isBetween(0.9, 0.9999);
            // the norm is the unmirrored crop's; it moves by under 2% only because int8 scales are per batch
            assertThat(flipped.quality().embeddingNorm())
                    .isCloseTo(
                            plain.quality().embeddingNorm(),
                            within(0.02f * plain.quality().embeddingNorm()));
            assertThat(flipped.cosine(single(a, obamaProbe))).isGreaterThan(0.55);
            assertThat(flipped.cosine(single(a, biden))).isLessThan(0.2);
        }
    }

    @Test
    void otherPacksWorkEndToEnd() {
        for (ModelPack pack :
                List.of(ModelPacks.SCRFD_W600K_INT8, ModelPacks.YUNET_MBF_CASIA, ModelPacks.YUNET_FACEPLUGIN_512)) {
            try (FaceAnalyzer a = FaceAnalyzer.open(pack, SharedData.models(), VisionOptions.defaults(pack))) {
                AnalyzedFace o = single(a, obama);
                assertThat(o.embedding()).as(pack.id()).hasSize(pack.embeddingDimension());
                double same = o.cosine(single(a, obamaProbe));
                double different = o.cosine(single(a, biden));
                assertThat(same - different)
                        .as(pack.id() + " same %.3f vs different %.3f", same, different)
                        .isGreaterThan(0.25);
                // faceplugin's graph takes one crop per run: two faces still embed, one after the other
                assertThat(a.analyze(twoPeople)).as(pack.id()).hasSize(2);
            }
        }
    }

    @Test
    void corruptBytesAndMissingModelsFailClearly(@TempDir Path empty) {
        assertThatThrownBy(() -> analyzer.analyze(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}))
                .isInstanceOf(UndecodableFrameException.class);
        assertThatThrownBy(
                        () -> FaceAnalyzer.open(ModelPacks.DEFAULT, empty, VisionOptions.defaults(ModelPacks.DEFAULT)))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("model file yunet-2026may.onnx in "
                        + empty.toAbsolutePath().normalize());
    }
}
