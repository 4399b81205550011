package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facestream.config.VisionOptions;
import org.facestream.events.GalleryRecord;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPacks;
import org.facestream.testing.BadBytes;
import org.facestream.testing.SharedData;
import org.facestream.vision.FaceAnalyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/** Enrollment through the production path refuses anything but exactly one face, with a clear message. */
class EnrollerTest {
    static FaceAnalyzer analyzer;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        analyzer =
                FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
    }

    @AfterAll
    static void close() {
        analyzer.close();
    }

    @Test
    void enrollsOneTemplatePerPhotoOfTheDefaultPack() {
        GalleryRecord r = new Enroller(analyzer)
                .enroll(
                        "obama",
                        List.of(SharedData.face("people/obama/obama.jpg"), SharedData.face("probes/obama1.jpg")));
        assertThat(r.subjectId()).isEqualTo("obama");
        assertThat(r.modelPackId()).isEqualTo("yunet-w600k-int8");
        assertThat(r.templates()).hasSize(2);
        // sub-centres come medoid first, not in photo order
        assertThat(r.templates()).extracting(t -> t.source()).containsExactlyInAnyOrder("obama.jpg", "obama1.jpg");
        assertThat(r.dimension()).isEqualTo(512);
    }

    @Test
    void aMislabelledPhotoIsLeftOutAsAnOutlierAndTheSubjectKeepsItsOwnPhotosAsSubCentres() {
        Enroller.Enrollment e = new Enroller(analyzer)
                .enrollment(
                        "obama",
                        List.of(
                                SharedData.face("people/obama/obama.jpg"),
                                SharedData.face("people/biden/biden.jpg"),
                                SharedData.face("people/obama/obama2.jpg"),
                                SharedData.face("probes/obama1.jpg")));
        assertThat(e.outlierSources()).containsExactly("biden.jpg");
        assertThat(e.record().templates())
                .extracting(t -> t.source())
                .containsExactlyInAnyOrder("obama.jpg", "obama2.jpg", "obama1.jpg");
    }

    @Test
    void aSubjectKeepsAtMostFiveSubCentresTheMostDiverseOfItsPhotos() {
        List<Path> photos = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            photos.add(SharedData.face("people/bbt_penny/penny" + i + ".png"));
        }
        photos.add(SharedData.face("people/bbt_penny/penny1.png")); // the same photo twice: no diversity to add
        Enroller.Enrollment e = new Enroller(analyzer).enrollment("penny", photos);
        assertThat(e.outliers()).isEmpty();
        assertThat(e.record().templates()).hasSize(Enroller.MAX_SUB_CENTERS);
    }

    /**
     * Enrollment refusals: each names the image and why, carries a stable reason, is counted in
     * {@code facestream_enroll_refused_total{reason}}, and the same enroller then enrolls a good photo.
     */
    @Nested
    @Tag("fault")
    class Refusals {
        private final MetricsRegistry metrics = new MetricsRegistry();
        private final Enroller enroller = new Enroller(analyzer, metrics);

        @Test
        void refusesAnImageWithoutAFace() throws Exception {
            Mat grey = new Mat(240, 320, CvType.CV_8UC3, new Scalar(90, 120, 150));
            MatOfByte jpg = new MatOfByte();
            Imgcodecs.imencode(".jpg", grey, jpg);
            Path wall = dir.resolve("wall.jpg");
            Files.write(wall, jpg.toArray());
            grey.release();
            jpg.release();

            assertRefused(
                    wall,
                    Enroller.NO_FACE,
                    "wall.jpg: expected exactly one face, found 0 (use a clear, frontal photo)");
        }

        @Test
        void refusesAnImageWithSeveralFaces() {
            assertRefused(
                    SharedData.face("groups/two_people.jpg"),
                    Enroller.SEVERAL_FACES,
                    "two_people.jpg: expected exactly one face, found 2 (crop the photo to the subject)");
        }

        @Test
        void refusesBytesThatAreNotAnImage() throws Exception {
            Path text = dir.resolve("notes.jpg");
            Files.writeString(text, "this is not a photo");

            assertRefused(
                    text,
                    Enroller.NOT_AN_IMAGE,
                    "notes.jpg: expected a JPEG or PNG image, found expected a JPEG (FF D8) or PNG image, found bytes 74 68 69 73");
        }

        @Test
        void refusesADecompressionBombBeforeDecodingIt() throws Exception {
            Path bomb = dir.resolve("bomb.jpg");
            Files.write(bomb, BadBytes.jpegDeclaring(65000, 65000));

            assertRefused(
                    bomb,
                    Enroller.NOT_AN_IMAGE,
                    "bomb.jpg: expected a JPEG or PNG image, found expected an image of at most 40000000 pixels, "
                            + "found 65000x65000 = 4225000000 declared in its header");
        }

        @Test
        void refusesAJpegCorruptedAfterItsHeader() throws Exception {
            Path corrupt = dir.resolve("corrupt.jpg");
            Files.write(
                    corrupt,
                    java.util.Arrays.copyOf(Files.readAllBytes(SharedData.face("people/obama/obama.jpg")), 700));

            assertThatThrownBy(() -> enroller.enroll("x", List.of(corrupt)))
                    .isInstanceOfSatisfying(
                            Enroller.EnrollmentException.class,
                            e -> assertThat(e.reason()).isIn(Enroller.NOT_AN_IMAGE, Enroller.NO_FACE))
                    .hasMessageStartingWith("corrupt.jpg: expected ");
            assertThat(metrics.total("enroll_refused_total")).isEqualTo(1);
            assertGoodPhotoStillEnrolls();
        }

        private void assertRefused(Path image, String reason, String message) {
            assertThatThrownBy(() -> enroller.enroll("x", List.of(image)))
                    .isInstanceOfSatisfying(
                            Enroller.EnrollmentException.class,
                            e -> assertThat(e.reason()).isEqualTo(reason))
                    .hasMessage(message);
            assertThat(metrics.byLabel("enroll_refused_total"))
                    .isEqualTo(java.util.Map.of("reason=\"" + reason + "\"", 1L));
            assertGoodPhotoStillEnrolls();
        }

        private void assertGoodPhotoStillEnrolls() {
            GalleryRecord r = enroller.enroll("obama", List.of(SharedData.face("people/obama/obama.jpg")));
            assertThat(r.templates()).extracting(t -> t.source()).containsExactly("obama.jpg");
            assertThat(r.dimension()).isEqualTo(512);
        }
    }
}
