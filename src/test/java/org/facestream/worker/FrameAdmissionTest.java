package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.facestream.worker.ScriptedVision.CAPTURED_AT;
import static org.facestream.worker.ScriptedVision.HEIGHT;
import static org.facestream.worker.ScriptedVision.WIDTH;
import static org.facestream.worker.ScriptedVision.frameBytes;
import static org.facestream.worker.ScriptedVision.jpeg;
import static org.facestream.worker.ScriptedVision.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.events.DeadLetters.Reason;
import org.facestream.events.EventSerdes;
import org.facestream.events.Frame;
import org.facestream.events.Topics;
import org.facestream.testing.BadBytes;
import org.facestream.worker.FrameAdmission.Admitted;
import org.facestream.worker.FrameAdmission.Refused;
import org.facestream.worker.FrameAdmission.Verdict;
import org.facestream.worker.ScriptedVision.Scene;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;

class FrameAdmissionTest {
    private static final int MAX_BYTES = 64 * 1024;
    private static final long MAX_PIXELS = 1_000_000;
    private final FrameAdmission admission = new FrameAdmission(MAX_BYTES, MAX_PIXELS);

    @Test
    void admitsAGoodFrameWithItsDecodedImage() {
        Frame frame = new Frame("cam-a", 7, CAPTURED_AT, 700, WIDTH, HEIGHT, jpeg(Scene.ONE_FACE));
        Verdict v = admission.admit(record(0, 3, "cam-a", frameBytes(frame)));
        assertThat(v).isInstanceOf(Admitted.class);
        Admitted a = (Admitted) v;
        try {
            assertThat(a.frame()).isEqualTo(frame);
            assertThat(a.image().cols()).isEqualTo(WIDTH);
            assertThat(a.image().rows()).isEqualTo(HEIGHT);
            assertThat(a.image().type()).isEqualTo(CvType.CV_8UC3);
            assertThat(a.decoding()).isPositive();
        } finally {
            a.release();
        }
    }

    @Test
    void refusesANullValueAsNullFrame() {
        assertThat(admission.admit(record(0, 0, "cam-a", null)))
                .isEqualTo(new Refused(Reason.NULL_FRAME, "expected a frame, found a null value"));
    }

    @Test
    void refusesARecordLongerThanTheJpegLimitPlusTheFrameFieldsWithoutReadingIt() {
        // bytes no deserializer would accept: the size alone decides
        byte[] huge = new byte[MAX_BYTES + FrameAdmission.FRAME_FIELDS_BYTES + 1];
        assertThat(admission.admit(record(0, 0, "cam-a", huge)))
                .isEqualTo(new Refused(
                        Reason.FRAME_TOO_LARGE,
                        "expected a JPEG of at most 65536 bytes, found a record of " + huge.length + " bytes"));
    }

    @Test
    void refusesAFrameWhoseJpegIsOverTheLimitThoughTheRecordFits() {
        byte[] jpeg = Arrays.copyOf(jpeg(Scene.ONE_FACE), MAX_BYTES + 1);
        byte[] value = frameBytes(new Frame("cam-a", 1, CAPTURED_AT, 100, WIDTH, HEIGHT, jpeg));
        assertThat(value.length).isLessThanOrEqualTo(MAX_BYTES + FrameAdmission.FRAME_FIELDS_BYTES);
        assertThat(admission.admit(record(0, 0, "cam-a", value)))
                .isEqualTo(new Refused(Reason.FRAME_TOO_LARGE, "expected a JPEG of at most 65536 bytes, found 65537"));
    }

    @Test
    void refusesBytesThatAreNoFrameAsDeserializationFailedWithTheSerdesMessage() {
        byte[] junk = {1, 2, 3, 4, 5};
        Throwable serde = catchThrowable(() -> EventSerdes.frames().deserialize(Topics.FRAMES, junk));
        assertThat(serde).isInstanceOf(SerializationException.class);
        assertThat(admission.admit(record(0, 0, "cam-a", junk)))
                .isEqualTo(new Refused(Reason.DESERIALIZATION_FAILED, serde.getMessage()));
    }

    @Test
    void refusesADecompressionBombByItsDeclaredSizeAsImageTooLarge() {
        byte[] value = frameBytes(
                new Frame("cam-a", 1, CAPTURED_AT, 100, WIDTH, HEIGHT, BadBytes.jpegDeclaring(60000, 60000)));
        assertThat(admission.admit(record(0, 0, "cam-a", value)))
                .isEqualTo(new Refused(
                        Reason.IMAGE_TOO_LARGE,
                        "expected at most 1000000 pixels, found 60000x60000 declared in the JPEG header"));
    }

    @Test
    void refusesAJpegCorruptAfterItsHeaderAsCorruptImage() {
        byte[] jpeg = jpeg(Scene.ONE_FACE);
        byte[] value = frameBytes(
                new Frame("cam-a", 1, CAPTURED_AT, 100, WIDTH, HEIGHT, BadBytes.corruptedAfter(jpeg, jpeg.length / 3)));
        Verdict v = admission.admit(record(0, 0, "cam-a", value));
        assertThat(v).isInstanceOf(Refused.class);
        assertThat(((Refused) v).reason()).isEqualTo(Reason.CORRUPT_IMAGE);
        assertThat(((Refused) v).detail())
                .isEqualTo("expected a decodable 128x96 image, found corrupt data (" + jpeg.length + " bytes)");
    }

    @Test
    void refusesATruncatedJpegAndBytesThatAreNoImageAsCorruptImage() {
        byte[] truncated = frameBytes(
                new Frame("cam-a", 1, CAPTURED_AT, 100, WIDTH, HEIGHT, Arrays.copyOf(jpeg(Scene.ONE_FACE), 40)));
        assertThat(((Refused) admission.admit(record(0, 0, "cam-a", truncated))).reason())
                .isEqualTo(Reason.CORRUPT_IMAGE);
        byte[] html = frameBytes(new Frame(
                "cam-a", 2, CAPTURED_AT, 200, WIDTH, HEIGHT, "<html></html>".getBytes(StandardCharsets.UTF_8)));
        assertThat(admission.admit(record(0, 1, "cam-a", html)))
                .isEqualTo(new Refused(
                        Reason.CORRUPT_IMAGE, "expected a JPEG (FF D8) or PNG image, found bytes 3C 68 74 6D"));
    }

    @Test
    void takesItsLimitsFromTheWorkerConfig() {
        FrameAdmission fromConfig = FrameAdmission.of(ScriptedVision.config("limits"));
        byte[] value = frameBytes(new Frame(
                "cam-a", 1, CAPTURED_AT, 100, WIDTH, HEIGHT, Arrays.copyOf(jpeg(Scene.ONE_FACE), 64 * 1024 + 1)));
        assertThat(((Refused) fromConfig.admit(record(0, 0, "cam-a", value))).reason())
                .isEqualTo(Reason.FRAME_TOO_LARGE);
    }

    @Test
    void refusesAScanBombAsDecodeBudgetExceededBeforeDecodingIt() {
        byte[] bomb = BadBytes.repeatingLastScan(BadBytes.progressiveJpeg(320, 240, 4), 200);
        Frame frame = new Frame("cam-a", 9, CAPTURED_AT, 900, 320, 240, bomb);
        Verdict v = admission.admit(record(0, 9, "cam-a", frameBytes(frame)));
        assertThat(v).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.DECODE_BUDGET_EXCEEDED);
            assertThat(r.detail())
                    .isEqualTo("expected a JPEG of at most 32 scans (decoding cost grows with pixels times scans),"
                            + " found 210 scans of 320x240 pixels in " + bomb.length + " bytes");
        });
    }
}
