package org.facestream.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongPredicate;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A video file decoded with FFmpeg (H.264, MPEG-4 and whatever else the bundled FFmpeg reads). Media
 * time comes from the file's timestamps, counted from its first picture (what a player shows); with
 * {@code loop} the file is reopened at its end and media time keeps increasing across loops, so
 * samplers and downstream stages see one continuous timeline.
 *
 * <p>Decoding costs what it costs, but two things around it need not: a picture ingest will not sample is
 * decoded (later pictures refer to it) but never converted to BGR ({@link #sampleBy}), and when ingest samples
 * at most half the file's frame rate, pictures no other picture refers to are not decoded at all (FFmpeg's
 * {@code skip_frame=noref}; sampling then picks among the rest, at most one source frame off its time grid). A
 * picture is converted straight to the size ingest sends ({@link #scaleTo}).
 *
 * <p>Not thread-safe (see {@link FrameSource}).
 */
public final class VideoFileSource implements FrameSource {
    private static final Logger log = LoggerFactory.getLogger(VideoFileSource.class);
    /** After this many failed reads in a row the file is treated as ended rather than retried forever. */
    private static final int MAX_CONSECUTIVE_ERRORS = 25;

    private final Path file;
    private final boolean loop;
    private final Map<String, String> codecOptions;
    private FfmpegDecoder decoder;
    private int maxSide;
    private LongPredicate wanted;
    private long passedOver;
    private final String description;
    private final long frameMillis;
    private long loopOffsetMillis;
    /** Container timestamp of the first picture of the current pass; media time counts from it. */
    private long startMillis = -1;

    private long lastMediaTime = -1;
    private long decodeErrors;
    private int loops;
    private boolean ended;

    private VideoFileSource(Path file, boolean loop, FfmpegDecoder decoder, Map<String, String> codecOptions) {
        this.file = file;
        this.loop = loop;
        this.decoder = decoder;
        this.codecOptions = Map.copyOf(codecOptions);
        double fps = decoder.frameRate();
        this.frameMillis = fps > 0 ? Math.round(1000 / fps) : 40;
        this.description = String.format(
                Locale.ROOT,
                "video %s %dx%d %s @ %.2f fps%s",
                file.getFileName(),
                decoder.width(),
                decoder.height(),
                decoder.codec(),
                fps,
                (loop ? " (looping)" : "") + (codecOptions.isEmpty() ? "" : ", reference pictures only"));
    }

    /**
     * Opens a video file.
     *
     * @throws SourceException when the file is missing or FFmpeg cannot decode it
     */
    public static VideoFileSource open(Path file, boolean loop) {
        return open(file, loop, 0);
    }

    /**
     * Opens a video file that ingest samples at {@code sampledFps} (0: every picture); at most half the file's
     * frame rate, only reference pictures are decoded.
     *
     * @throws SourceException when the file is missing or FFmpeg cannot decode it
     */
    public static VideoFileSource open(Path file, boolean loop, double sampledFps) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new SourceException("expected a readable video file, found nothing at " + file.toAbsolutePath());
        }
        FfmpegDecoder decoder = FfmpegDecoder.open(file.toString(), Map.of());
        if (sampledFps > 0 && sampledFps * 2 <= decoder.frameRate()) {
            decoder.close();
            return new VideoFileSource(
                    file,
                    loop,
                    FfmpegDecoder.open(file.toString(), file.toString(), Map.of(), REFERENCE_ONLY),
                    REFERENCE_ONLY);
        }
        return new VideoFileSource(file, loop, decoder, Map.of());
    }

    /** FFmpeg decoder options that skip the pictures no other picture refers to. */
    private static final Map<String, String> REFERENCE_ONLY = Map.of("skip_frame", "noref");

    @Override
    public void scaleTo(int side) {
        this.maxSide = side;
        decoder.scaleTo(side);
    }

    @Override
    public void sampleBy(LongPredicate predicate) {
        this.wanted = predicate;
    }

    @Override
    public long passedOver() {
        return passedOver;
    }

    @Override
    public GrabbedFrame next() {
        int consecutiveErrors = 0;
        while (!ended) {
            GrabbedFrame frame;
            try {
                // half a frame of slack: container timestamps are rounded, and a picture the sampler wants must not
                // be passed over (one converted in vain costs only its conversion)
                if (wanted != null && startMillis >= 0 && !wanted.test(lastMediaTime + frameMillis + frameMillis / 2)) {
                    // the next picture will not be sampled: decode it (others refer to it), do not convert it
                    long t = decoder.skip();
                    if (t >= 0) {
                        passedOver++;
                        consecutiveErrors = 0;
                        lastMediaTime = loopOffsetMillis + Math.max(0, t - startMillis);
                        continue;
                    }
                    frame = null;
                } else {
                    frame = decoder.grab();
                }
            } catch (FrameGrabber.Exception | RuntimeException e) {
                decodeErrors++;
                if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                    log.warn(
                            "{}: {} read errors in a row, treating the file as ended: {}",
                            description,
                            consecutiveErrors,
                            e.toString());
                    ended = true;
                    return null;
                }
                log.warn("{}: skipping an undecodable picture: {}", description, e.toString());
                continue;
            }
            if (frame == null) {
                if (!loop || lastMediaTime < 0) { // a file without a single picture must not loop forever
                    ended = true;
                    return null;
                }
                restart();
                continue;
            }
            if (startMillis < 0) {
                startMillis = frame.mediaTimeMillis(); // e.g. 852 ms in an MP4 with an edit list: a player shows 0:00
            }
            long mediaTime = loopOffsetMillis + Math.max(0, frame.mediaTimeMillis() - startMillis);
            lastMediaTime = mediaTime;
            return new GrabbedFrame(frame.image(), mediaTime);
        }
        return null;
    }

    private void restart() {
        decoder.close();
        loopOffsetMillis = lastMediaTime + frameMillis;
        startMillis = -1;
        loops++;
        log.debug("{}: loop {} starts at media time {} ms", description, loops, loopOffsetMillis);
        decoder = FfmpegDecoder.open(file.toString(), file.toString(), Map.of(), codecOptions);
        decoder.scaleTo(maxSide);
    }

    @Override
    public Timeline timeline() {
        return Timeline.MEDIA;
    }

    @Override
    public long decodeErrors() {
        return decodeErrors;
    }

    /** Frame size in pixels as the file declares it. */
    public int width() {
        return decoder.width();
    }

    public int height() {
        return decoder.height();
    }

    /** The file's declared video frame rate (frames per second). */
    public double frameRate() {
        return decoder.frameRate();
    }

    /** How many times a looping file has started over. */
    public int loops() {
        return loops;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        ended = true;
        decoder.close();
    }
}
