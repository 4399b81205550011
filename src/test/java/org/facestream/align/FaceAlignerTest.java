package org.facestream.align;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.facestream.model.ModelPacks;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class FaceAlignerTest {
    @Test
    void casiaTemplateIsTheArcFaceTemplateShifted8PxLeft() {
        FaceAligner arc = FaceAligner.forPack(ModelPacks.YUNET_W600K_INT8);
        FaceAligner casia = FaceAligner.forPack(ModelPacks.YUNET_MBF_CASIA);
        assertThat(casia.width()).isEqualTo(96);
        assertThat(casia.height()).isEqualTo(112);
        assertThat(arc.template()[0]).isCloseTo(38.2946, within(1e-9));
        assertThat(casia.template()[0]).isCloseTo(30.2946, within(1e-9));
        assertThat(casia.template()[1]).isCloseTo(51.6963, within(1e-9));
    }

    @Test
    void warpsABrightSquareAtTheLandmarksOntoTheTemplateWithBlackOutside() {
        FaceAligner aligner = FaceAligner.forPack(ModelPacks.YUNET_W600K_INT8);
        // landmarks are the template scaled by 2 and shifted by (100, 50): the crop must be the image region
        // (100, 50)..(324, 274) shrunk by 2
        double[] t = aligner.template();
        float[] landmarks = new float[10];
        for (int i = 0; i < 10; i += 2) {
            landmarks[i] = (float) (2 * t[i] + 100);
            landmarks[i + 1] = (float) (2 * t[i + 1] + 50);
        }
        Mat image = new Mat(300, 300, CvType.CV_8UC3, new Scalar(200, 200, 200));
        SimilarityTransform transform = aligner.transformFor(landmarks);
        assertThat(transform.scale()).isCloseTo(0.5, within(1e-6));
        assertThat(transform.rotationRadians()).isCloseTo(0, within(1e-6));
        Mat crop = aligner.align(image, landmarks);
        try {
            assertThat(crop.rows()).isEqualTo(112);
            assertThat(crop.cols()).isEqualTo(112);
            assertThat(crop.get(10, 10)[0]).isEqualTo(200); // inside the image
            assertThat(crop.get(110, 110)[0]).isEqualTo(0); // (320, 270) is beyond the 300x300 image: black
        } finally {
            crop.release();
            image.release();
        }
    }

    @Test
    void rejectsWrongLandmarkCount() {
        FaceAligner aligner = FaceAligner.forPack(ModelPacks.YUNET_W600K_INT8);
        assertThatThrownBy(() -> aligner.transformFor(new float[8]))
                .hasMessage("expected 10 landmark coordinates, found 8");
    }
}
