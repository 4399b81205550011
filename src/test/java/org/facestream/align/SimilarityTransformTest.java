package org.facestream.align;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SimilarityTransformTest {
    private static final double[] LANDMARKS = {289.2, 97.9, 362.2, 99.5, 332.7, 140.4, 289.8, 169.6, 351.7, 174.6};

    @Test
    void recoversAKnownSimilarityWithin1e4() {
        SimilarityTransform truth = SimilarityTransform.of(0.37, Math.toRadians(-23), 12.5, -40.25);
        SimilarityTransform found = SimilarityTransform.estimate(LANDMARKS, truth.apply(LANDMARKS));

        assertThat(found.a()).isCloseTo(truth.a(), within(1e-4));
        assertThat(found.b()).isCloseTo(truth.b(), within(1e-4));
        assertThat(found.tx()).isCloseTo(truth.tx(), within(1e-4));
        assertThat(found.ty()).isCloseTo(truth.ty(), within(1e-4));
        assertThat(found.scale()).isCloseTo(0.37, within(1e-4));
        assertThat(Math.toDegrees(found.rotationRadians())).isCloseTo(-23, within(1e-4));
    }

    @Test
    void neverReflectsEvenWhenTheTargetIsMirrored() {
        double[] mirrored = LANDMARKS.clone();
        for (int i = 0; i < mirrored.length; i += 2) {
            mirrored[i] = 500 - mirrored[i];
        }
        SimilarityTransform t = SimilarityTransform.estimate(LANDMARKS, mirrored);
        double[] m = t.matrix();
        double determinant = m[0] * m[4] - m[1] * m[3];
        assertThat(determinant).isGreaterThanOrEqualTo(0);
        // the best rotation cannot reproduce a mirror image: the fit leaves a residual of many pixels
        double[] mapped = t.apply(LANDMARKS);
        double residual = 0;
        for (int i = 0; i < mapped.length; i++) {
            residual += Math.abs(mapped[i] - mirrored[i]);
        }
        assertThat(residual).isGreaterThan(50);
    }

    @Test
    void leastSquaresOnNoisyPointsStaysCloseToTheTruth() {
        SimilarityTransform truth = SimilarityTransform.of(1.6, Math.toRadians(10), -3, 7);
        double[] dst = truth.apply(LANDMARKS);
        double[] noise = {0.4, -0.3, -0.2, 0.5, 0.1, 0.1, -0.5, -0.2, 0.2, -0.1};
        for (int i = 0; i < dst.length; i++) {
            dst[i] += noise[i];
        }
        SimilarityTransform found = SimilarityTransform.estimate(LANDMARKS, dst);
        assertThat(found.scale()).isCloseTo(1.6, within(0.01));
        assertThat(Math.toDegrees(found.rotationRadians())).isCloseTo(10, within(0.5));
    }

    @Test
    void rejectsCoincidentOrMismatchedPoints() {
        assertThatThrownBy(() -> SimilarityTransform.estimate(new double[] {1, 1, 1, 1}, new double[] {0, 0, 5, 5}))
                .hasMessageContaining("expected at least two distinct source points");
        assertThatThrownBy(() -> SimilarityTransform.estimate(new double[10], new double[8]))
                .hasMessageContaining("found 10 and 8 coordinates");
    }
}
