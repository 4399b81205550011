package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceQuality;
import org.facestream.model.OpenCvNatives;
import org.facestream.vision.AnalyzedFace;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

class FaceSelectionTest {
    private static AnalyzedFace face(float x, float y, float size, float score) {
        DetectedFace d = new DetectedFace(new BoundingBox(x, y, size, size), new float[10], score);
        return new AnalyzedFace(d, new FaceQuality(score, 40, 100, 0, 0, 20), new float[] {1, 0}, null);
    }

    @Test
    void picksTheFaceNearestTheCentreNotTheHighestScore() {
        AnalyzedFace bystander = face(10, 10, 120, 0.99f); // centre (70, 70), larger and surer
        AnalyzedFace subject = face(80, 85, 90, 0.86f); // centre (125, 130)
        assertThat(FaceSelection.nearestCentre(List.of(bystander, subject), 250, 250))
                .isSameAs(subject);
    }

    @Test
    void fallbackOnlyWhereTheDetectorFindsNothing() {
        OpenCvNatives.load();
        DetectedFace real = new DetectedFace(new BoundingBox(1, 2, 30, 30), new float[10], 0.9f);
        FaceDetector none = detector(List.of());
        FaceDetector one = detector(List.of(real));
        Mat image = Mat.zeros(250, 250, CvType.CV_8UC3);
        try (SubjectFaceDetector a = new SubjectFaceDetector(none, false);
                SubjectFaceDetector b = new SubjectFaceDetector(one, false)) {
            List<DetectedFace> fallback = a.detect(image);
            assertThat(fallback).hasSize(1);
            DetectedFace f = fallback.get(0);
            assertThat(SubjectFaceDetector.isFallback(f, 250, 250)).isTrue();
            assertThat(f.score()).isZero();
            // eyes near 41% and 59% of the width at 45% of the height, box the central 1/2.2 of the image
            assertThat(f.landmarkX(0)).isBetween(100f, 106f);
            assertThat(f.landmarkX(1)).isBetween(144f, 150f);
            assertThat(f.landmarkY(0)).isBetween(110f, 115f);
            assertThat(f.box().centerX()).isEqualTo(125f);
            assertThat(f.box().width()).isBetween(113f, 114f);
            assertThat(b.detect(image)).containsExactly(real);
            assertThat(SubjectFaceDetector.isFallback(real, 250, 250)).isFalse();
        } finally {
            image.release();
        }
    }

    @Test
    void nearestCentreOnlyReportsTheSubjectAlone() {
        OpenCvNatives.load();
        DetectedFace bystander = new DetectedFace(new BoundingBox(0, 0, 120, 120), new float[10], 0.99f);
        DetectedFace subject = new DetectedFace(new BoundingBox(80, 80, 90, 90), new float[10], 0.86f);
        Mat image = Mat.zeros(250, 250, CvType.CV_8UC3);
        try (SubjectFaceDetector only = new SubjectFaceDetector(detector(List.of(bystander, subject)), true);
                SubjectFaceDetector all = new SubjectFaceDetector(detector(List.of(bystander, subject)), false)) {
            assertThat(only.detect(image)).containsExactly(subject);
            assertThat(all.detect(image)).containsExactly(bystander, subject);
        } finally {
            image.release();
        }
    }

    private static FaceDetector detector(List<DetectedFace> faces) {
        return new FaceDetector() {
            @Override
            public List<DetectedFace> detect(Mat bgrImage) {
                return faces;
            }

            @Override
            public DetectorSettings settings() {
                return new DetectorSettings(320, 0.6f, 0.3f);
            }

            @Override
            public void close() {}
        };
    }
}
