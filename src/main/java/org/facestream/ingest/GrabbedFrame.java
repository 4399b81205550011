package org.facestream.ingest;

import java.util.Objects;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * One decoded picture: an OpenCV BGR {@link Mat} ({@code CV_8UC3}) and where it sits in its source.
 * The frame owns the Mat: whoever holds it last calls {@link #close()} to free the native pixels.
 *
 * @param image the pixels, BGR, 8 bits per channel
 * @param mediaTimeMillis position in the source's media timeline in ms, or -1 when the source has no
 *     timeline (a live camera, a folder of stills)
 */
public record GrabbedFrame(Mat image, long mediaTimeMillis) implements AutoCloseable {
    public GrabbedFrame {
        Objects.requireNonNull(image, "image");
        if (image.empty() || image.type() != CvType.CV_8UC3) {
            throw new IllegalArgumentException("expected a non-empty CV_8UC3 (BGR) image, found "
                    + (image.empty() ? "an empty Mat" : CvType.typeToString(image.type())));
        }
        if (mediaTimeMillis < -1) {
            throw new IllegalArgumentException("expected mediaTimeMillis >= 0 or -1, found " + mediaTimeMillis);
        }
    }

    public int width() {
        return image.cols();
    }

    public int height() {
        return image.rows();
    }

    /** Frees the native pixels; the frame is unusable afterwards. */
    @Override
    public void close() {
        image.release();
    }
}
