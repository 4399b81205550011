package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facestream.detect.DetectedFace;
import org.facestream.events.BoundingBox;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionEvaluationTest {
    @TempDir
    Path dir;

    private static DetectedFace face(float x, float y, float w, float h, float score) {
        return new DetectedFace(new BoundingBox(x, y, w, h), new float[10], score);
    }

    @Test
    void matchesOneToOneAtTheIouBarAndSkipsIgnoredBoxes() {
        AnnotatedImage image = new AnnotatedImage(
                Path.of("x.jpg"),
                List.of(new BoundingBox(0, 0, 100, 100), new BoundingBox(200, 0, 50, 50)),
                List.of(new BoundingBox(400, 0, 40, 40)));
        List<DetectedFace> found = List.of(
                face(5, 5, 100, 100, 0.9f), // IoU 0.82 with the first box
                face(0, 0, 100, 100, 0.8f), // the first box is taken: a false detection
                face(230, 0, 50, 50, 0.7f), // IoU 0.25 with the second: no match
                face(402, 0, 40, 40, 0.95f)); // on the ignored box: not counted
        DetectionReport r = DetectionEvaluation.evaluate(image, found, 0.5);
        assertThat(r.faces()).isEqualTo(2);
        assertThat(r.matched()).isEqualTo(1);
        assertThat(r.detections()).isEqualTo(3);
        assertThat(r.recall()).isEqualTo(0.5);
        assertThat(r.precision()).isEqualTo(1 / 3.0);
        assertThat(DetectionEvaluation.evaluate(image, found, 0.2).matched()).isEqualTo(2);
    }

    @Test
    void readsDlibTestingXml() {
        List<AnnotatedImage> images = DlibAnnotations.read(SharedData.face("groups/dlib-annotated/testing.xml"));
        assertThat(images).hasSize(5);
        assertThat(images.stream().mapToInt(i -> i.faces().size()).sum()).isEqualTo(25);
        assertThat(images.get(0).file().getFileName().toString()).isEqualTo("2008_002470.jpg");
        assertThat(images.get(0).faces().get(0)).isEqualTo(new BoundingBox(274, 181, 52, 53));
    }

    @Test
    void badBoxAttributeIsNamed() throws Exception {
        Files.writeString(dir.resolve("a.jpg"), "x");
        Path xml = dir.resolve("t.xml");
        Files.writeString(
                xml,
                "<dataset><images><image file='a.jpg'><box top='1' left='x' width='3' height='4'/></image></images></dataset>");
        assertThatThrownBy(() -> DlibAnnotations.read(xml))
                .isInstanceOf(EvaluationException.class)
                .hasMessage("t.xml: image a.jpg, box 1: expected a number in attribute left, found 'x'");
    }
}
