package org.facestream.ingest;

import java.util.function.LongPredicate;

/**
 * Where camera pictures come from: a video file, a live RTSP stream or a folder of stills. A source
 * decodes one picture per {@link #next()} call, in order, into an OpenCV BGR image.
 *
 * <p>A file or folder ends: {@code next()} then returns {@code null}, and keeps returning it. A live
 * source never ends on its own; it reconnects when the stream drops and only stops when closed.
 *
 * <p>Pictures that cannot be decoded (a corrupt file in a folder, a broken packet) are skipped, counted
 * in {@link #decodeErrors()} and logged; they are data problems, not reasons to stop.
 *
 * <p>Thread safety: a source is used by one thread, the grab thread. {@link #close()} must be called
 * from that thread too, after the last {@code next()} (native decoders do not tolerate a concurrent
 * close); sources that block for long honour thread interruption.
 */
public interface FrameSource extends AutoCloseable {

    /** How a source's pictures relate to time; decides how ingest samples and paces them. */
    enum Timeline {
        /** A recording with timestamps: sampled by media time, may be paced at media speed. */
        MEDIA,
        /** A live stream: sampled by arrival time, never ends, stale pictures may be dropped. */
        LIVE,
        /** Still images without time: every picture is its own frame. */
        STILLS
    }

    /**
     * Decodes the next picture.
     *
     * @return the next frame, owned by the caller (close it), or {@code null} at the end of a finite source
     * @throws InterruptedException when the grab thread is interrupted while waiting (e.g. reconnecting)
     * @throws SourceException when the source cannot be read at all any more
     */
    GrabbedFrame next() throws InterruptedException;

    /** How this source's pictures relate to time. */
    Timeline timeline();

    /**
     * Asks for pictures at most {@code maxSide} pixels on their longer side (0: as decoded), where the source can
     * scale while converting the decoded picture (cheaper than shrinking it afterwards). Sources that cannot
     * ignore it; the frame encoder shrinks what is still larger.
     */
    default void scaleTo(int maxSide) {}

    /**
     * Where the source can tell a picture's media time before converting it, it converts and returns only the
     * pictures whose (predicted) media time {@code wanted} accepts; the others are decoded as the codec needs,
     * never converted, and counted in {@link #passedOver()}. Sources that cannot ignore it.
     */
    default void sampleBy(LongPredicate wanted) {}

    /** Pictures decoded but not returned because {@link #sampleBy} refused them. */
    default long passedOver() {
        return 0;
    }

    /** Pictures skipped because they could not be decoded, since the source was opened. */
    long decodeErrors();

    /**
     * Attempts to connect to a live source that failed (at start or after a drop), since the source was opened;
     * 0 for files and folders. Read from any thread.
     */
    default long connectFailures() {
        return 0;
    }

    /** A short description for logs, e.g. {@code video hamilton.mp4 640x360 @ 29.97 fps}. */
    String description();

    /** Releases the decoder and its native memory. Idempotent. */
    @Override
    void close();
}
