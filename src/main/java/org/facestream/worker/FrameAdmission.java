package org.facestream.worker;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.config.WorkerConfig;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.Frame;
import org.facestream.events.FrameSerde;
import org.facestream.vision.DecodeBudgetException;
import org.facestream.vision.FrameDecoder;
import org.facestream.vision.UndecodableFrameException;
import org.opencv.core.Mat;

/**
 * Decides whether one frame record may enter analysis: it is {@link Admitted} with its decoded image, or
 * {@link Refused} with the dead-letter reason and a sentence saying what was expected and what was found.
 *
 * <p>Every size is checked before the bytes it bounds are touched: the record size before deserializing (an
 * oversized record is never copied again), the JPEG length before decoding, the width and height the image
 * header declares before any pixel is allocated (a 100-byte decompression bomb can declare 65535x65535), the
 * scans of a JPEG before decoding them ({@link FrameDecoder}'s decode budget: a scan-bomb JPEG is refused as
 * {@code decode-budget-exceeded} instead of holding the worker for minutes). Touches no Kafka client and no
 * metric. Immutable and thread-safe.
 */
public final class FrameAdmission {
    /**
     * Room for a frame's own fields around its JPEG: a record longer than the JPEG limit plus this cannot hold
     * an admissible frame, so it is refused without being read.
     */
    static final int FRAME_FIELDS_BYTES = 4096;

    /** Whether a frame record may be analysed. */
    public sealed interface Verdict permits Admitted, Refused {}

    /**
     * A frame that passed every check.
     *
     * @param frame the deserialized frame
     * @param image its decoded 8-bit BGR pixels; the receiver releases them ({@link #release()})
     * @param decoding time spent reading the image header and decoding
     */
    public record Admitted(Frame frame, Mat image, Duration decoding) implements Verdict {
        /** Releases the decoded pixels. */
        public void release() {
            image.release();
        }
    }

    /**
     * A frame record that goes to the dead-letter topic.
     *
     * @param reason the stable code written to the reason header
     * @param detail a human-readable sentence: what was expected, what was found
     */
    public record Refused(DeadLetters.Reason reason, String detail) implements Verdict {}

    private final int maxFrameBytes;
    private final FrameDecoder decoder;
    private final FrameSerde serde = EventSerdes.frames();

    /**
     * @param maxFrameBytes larger JPEGs are refused as {@code frame-too-large}
     * @param maxFramePixels images whose header declares more pixels are refused as {@code image-too-large}
     */
    public FrameAdmission(int maxFrameBytes, long maxFramePixels) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("expected a positive frame byte limit, found " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.decoder = new FrameDecoder(maxFramePixels);
    }

    /** The admission of a worker instance: its frame byte and pixel limits. */
    public static FrameAdmission of(WorkerConfig config) {
        return new FrameAdmission(config.maxFrameBytes(), config.maxFramePixels());
    }

    /** Checks, deserializes and decodes one record of the frames topic, cheapest check first. */
    public Verdict admit(ConsumerRecord<String, byte[]> record) {
        byte[] value = record.value();
        if (value == null) {
            return new Refused(DeadLetters.Reason.NULL_FRAME, "expected a frame, found a null value");
        }
        if (value.length > maxFrameBytes + FRAME_FIELDS_BYTES) {
            return new Refused(
                    DeadLetters.Reason.FRAME_TOO_LARGE,
                    "expected a JPEG of at most " + maxFrameBytes + " bytes, found a record of " + value.length
                            + " bytes");
        }
        Frame frame;
        try {
            frame = serde.deserialize(record.topic(), value);
        } catch (SerializationException e) {
            return new Refused(DeadLetters.Reason.DESERIALIZATION_FAILED, e.getMessage());
        }
        if (frame.jpegLength() > maxFrameBytes) {
            return new Refused(
                    DeadLetters.Reason.FRAME_TOO_LARGE,
                    "expected a JPEG of at most " + maxFrameBytes + " bytes, found " + frame.jpegLength());
        }
        return decode(frame);
    }

    private Verdict decode(Frame frame) {
        long t0 = System.nanoTime();
        byte[] jpeg = frame.jpeg();
        try {
            // the header is read before decoding, so a decompression bomb never allocates its pixels
            FrameDecoder.ImageSize declared = FrameDecoder.declaredSize(jpeg);
            if (declared.pixels() > decoder.maxPixels()) {
                return new Refused(
                        DeadLetters.Reason.IMAGE_TOO_LARGE,
                        "expected at most " + decoder.maxPixels() + " pixels, found " + declared.width() + "x"
                                + declared.height() + " declared in the JPEG header");
            }
            Mat image = decoder.decode(jpeg);
            return new Admitted(frame, image, Duration.ofNanos(System.nanoTime() - t0));
        } catch (DecodeBudgetException e) {
            return new Refused(DeadLetters.Reason.DECODE_BUDGET_EXCEEDED, e.getMessage());
        } catch (UndecodableFrameException e) {
            return new Refused(DeadLetters.Reason.CORRUPT_IMAGE, e.getMessage());
        }
    }
}
