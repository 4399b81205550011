package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.facestream.model.OpenCvNatives;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class MotionGateTest {
    private static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");

    static {
        OpenCvNatives.load();
    }

    private final MotionGate gate = new MotionGate(0.003, Duration.ofMillis(750));

    /** A 640x360 grey scene with a 40x40 square at {@code x} (none when negative) and light noise. */
    private static Mat scene(int x, long seed) {
        Mat m = new Mat(360, 640, CvType.CV_8UC3, new Scalar(90, 100, 110));
        Mat noise = new Mat(360, 640, CvType.CV_8UC3);
        org.opencv.core.Core.setRNGSeed((int) seed);
        org.opencv.core.Core.randn(noise, 0, 4); // sensor and JPEG noise, a few levels
        org.opencv.core.Core.add(m, noise, m);
        noise.release();
        if (x >= 0) {
            Imgproc.rectangle(m, new Point(x, 150), new Point(x + 40, 190), new Scalar(230, 230, 230), -1);
        }
        return m;
    }

    @Test
    void aStillSceneIsSkippedAndAMovingObjectIsDetected() {
        MotionGate.Verdict first = gate.judge(null, scene(100, 1), T0, true);
        assertThat(first.detect()).as("nothing to compare with").isTrue();
        MotionGate.Verdict still = gate.judge(first.next(), scene(100, 2), T0.plusMillis(200), true);
        assertThat(still.detect()).as("only noise changed").isFalse();
        assertThat(still.changed()).isLessThan(0.003);
        MotionGate.Verdict moved = gate.judge(still.next(), scene(140, 3), T0.plusMillis(400), true);
        assertThat(moved.detect()).isTrue();
        assertThat(moved.changed()).isGreaterThan(0.003);
    }

    @Test
    void slowChangesAddUpAgainstTheLastDetectedFrame() {
        MotionGate.State ref = gate.judge(null, scene(100, 1), T0, true).next();
        MotionGate.Verdict v1 = gate.judge(ref, scene(101, 2), T0.plusMillis(100), true);
        assertThat(v1.detect()).as("one pixel: below the minimum").isFalse();
        assertThat(v1.next()).as("the reference stays the detected frame").isSameAs(ref);
        MotionGate.Verdict v2 = gate.judge(v1.next(), scene(112, 3), T0.plusMillis(200), true);
        assertThat(v2.detect()).as("twelve pixels since the detected frame").isTrue();
    }

    @Test
    void aStillSceneIsStillDetectedAfterTheLongestSkip() {
        MotionGate.State ref = gate.judge(null, scene(100, 1), T0, true).next();
        assertThat(gate.judge(ref, scene(100, 2), T0.plusMillis(700), true).detect())
                .isFalse();
        assertThat(gate.judge(ref, scene(100, 3), T0.plusMillis(750), true).detect())
                .isTrue();
    }

    /** A structured scene (a lit stage: rectangles on a gradient) with a bright figure at {@code x}. */
    private static Mat stage(int layout, int x) {
        Mat m = new Mat(360, 640, CvType.CV_8UC3, new Scalar(40, 40, 40));
        for (int i = 0; i < 6; i++) {
            int left = (i * 97 + layout * 211) % 560;
            int top = (i * 53 + layout * 131) % 280;
            int level = 60 + (i * 37 + layout * 71) % 150;
            Imgproc.rectangle(
                    m, new Point(left, top), new Point(left + 80, top + 80), new Scalar(level, level, level), -1);
        }
        Imgproc.rectangle(m, new Point(x, 100), new Point(x + 50, 300), new Scalar(240, 240, 240), -1);
        return m;
    }

    @Test
    void aSceneCutIsToldFromMotionByTheCorrelationWithTheLastDetectedFrame() {
        MotionGate.State ref = gate.judge(null, stage(1, 100), T0, true).next();
        MotionGate.Verdict moved = gate.judge(ref, stage(1, 180), T0.plusMillis(200), true);
        assertThat(moved.detect()).isTrue();
        assertThat(moved.correlation()).as("the same stage, the figure moved").isGreaterThan(0.5);
        MotionGate.Verdict cut = gate.judge(moved.next(), stage(2, 520), T0.plusMillis(400), true);
        assertThat(cut.detect()).isTrue();
        assertThat(cut.correlation()).as("another stage").isLessThan(0.25);
    }

    @Test
    void withoutGatingEveryFrameIsDetectedAndStillCompared() {
        MotionGate.State ref = gate.judge(null, stage(1, 100), T0, false).next();
        MotionGate.Verdict still = gate.judge(ref, stage(1, 100), T0.plusMillis(200), false);
        assertThat(still.detect()).isTrue();
        assertThat(still.correlation()).isGreaterThan(0.99);
        assertThat(still.next().detectedAt()).isEqualTo(T0.plusMillis(200));
    }

    @Test
    void aFlatPictureHasNoCut() {
        MotionGate.State ref = gate.judge(null, new Mat(360, 640, CvType.CV_8UC3, new Scalar(50, 50, 50)), T0, false)
                .next();
        Mat other = new Mat(360, 640, CvType.CV_8UC3, new Scalar(200, 200, 200));
        assertThat(gate.judge(ref, other, T0.plusMillis(200), false).correlation())
                .isEqualTo(1);
    }

    @Test
    void anotherFrameSizeIsAlwaysDetected() {
        MotionGate.State ref = gate.judge(null, scene(100, 1), T0, true).next();
        Mat small = new Mat(270, 480, CvType.CV_8UC3, new Scalar(90, 100, 110));
        assertThat(gate.judge(ref, small, T0.plusMillis(100), true).detect()).isTrue();
    }
}
