package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facestream.embed.FaceAnalyzer;
import org.facestream.embed.VisionOptions;
import org.facestream.events.GalleryRecord;
import org.facestream.model.ModelPacks;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.core.CvType;

/** Enrollment through the production path refuses anything but exactly one face, with a clear message. */
class EnrollerTest {
  static FaceAnalyzer analyzer;
  @TempDir Path dir;

  @BeforeAll
  static void open() {
    analyzer = FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
  }

  @AfterAll
  static void close() {
    analyzer.close();
  }

  @Test
  void enrollsOneTemplatePerPhotoOfTheDefaultPack() {
    GalleryRecord r = new Enroller(analyzer).enroll("obama", List.of(SharedData.face("people/obama/obama.jpg"), SharedData.face("probes/obama1.jpg")));
    assertThat(r.subjectId()).isEqualTo("obama");
    assertThat(r.modelPackId()).isEqualTo("yunet-w600k-int8");
    assertThat(r.templates()).hasSize(2);
    assertThat(r.templates()).extracting(t -> t.source()).containsExactly("obama.jpg", "obama1.jpg");
    assertThat(r.dimension()).isEqualTo(512);
  }

  @Test
  void refusesAnImageWithoutAFace() throws Exception {
    Mat grey = new Mat(240, 320, CvType.CV_8UC3, new Scalar(90, 120, 150));
    MatOfByte jpg = new MatOfByte();
    Imgcodecs.imencode(".jpg", grey, jpg);
    Path wall = dir.resolve("wall.jpg");
    Files.write(wall, jpg.toArray());
    assertThatThrownBy(() -> new Enroller(analyzer).enroll("nobody", List.of(wall)))
        .isInstanceOf(Enroller.EnrollmentException.class)
        .hasMessage("wall.jpg: expected exactly one face, found 0 (use a clear, frontal photo)");
  }

  @Test
  void refusesAnImageWithSeveralFaces() {
    assertThatThrownBy(() -> new Enroller(analyzer).enroll("pair", List.of(SharedData.face("groups/two_people.jpg"))))
        .isInstanceOf(Enroller.EnrollmentException.class)
        .hasMessage("two_people.jpg: expected exactly one face, found 2 (crop the photo to the subject)");
  }

  @Test
  void refusesBytesThatAreNotAnImage() throws Exception {
    Path text = dir.resolve("notes.jpg");
    Files.writeString(text, "this is not a photo");
    assertThatThrownBy(() -> new Enroller(analyzer).enroll("x", List.of(text)))
        .isInstanceOf(Enroller.EnrollmentException.class)
        .hasMessageStartingWith("notes.jpg: expected a JPEG or PNG image, found ");
  }
}
