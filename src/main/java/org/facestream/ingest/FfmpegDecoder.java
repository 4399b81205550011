package org.facestream.ingest;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg (through JavaCV) decoding one video stream to BGR24, copied into OpenCV Mats. Shared by the file
 * and RTSP sources so both decode the same way.
 *
 * <p>Not thread-safe: one grab thread opens, reads and closes it.
 */
final class FfmpegDecoder implements AutoCloseable {
    /** JavaCV's error messages end with advice meant for its own users; ours say what happened instead. */
    private static final List<String> JAVACV_ADVICE = List.of(
            " (For more details, make sure FFmpegLogCallback.set() has been called.)",
            " (Has setFormat() been called?)");

    private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-\\d+)");

    static {
        // FFmpeg writes its own lines (every concealed macroblock error, every refused connection) straight to
        // standard error otherwise; they go to the logger at DEBUG, and our messages say what matters
        FfmpegLog.install();
    }

    /** The stream's name in messages (passwords redacted). */
    private final String url;

    private final FFmpegFrameGrabber grabber;
    /** The stream's own picture size (the grabber reports the converted size once scaling is set). */
    private final int streamWidth;

    private final int streamHeight;
    private byte[] pixels = new byte[0];

    private FfmpegDecoder(String url, FFmpegFrameGrabber grabber) {
        this.url = url;
        this.grabber = grabber;
        this.streamWidth = grabber.getImageWidth();
        this.streamHeight = grabber.getImageHeight();
    }

    /**
     * Opens {@code url} (a path or any FFmpeg URL) with the given demuxer options.
     *
     * @throws SourceException when FFmpeg cannot open it or it has no video stream
     */
    static FfmpegDecoder open(String url, Map<String, String> options) {
        return open(url, url, options);
    }

    /**
     * As {@link #open(String, Map)}, naming the stream {@code shown} in messages: FFmpeg's own errors
     * repeat the URL, which may carry a camera password, so they are rewritten rather than chained.
     */
    static FfmpegDecoder open(String url, String shown, Map<String, String> options) {
        return open(url, shown, options, Map.of());
    }

    /** As {@link #open(String, String, Map)}, with options for the video decoder (e.g. {@code skip_frame}). */
    static FfmpegDecoder open(String url, String shown, Map<String, String> options, Map<String, String> codecOptions) {
        OpenCvLibrary.load();
        var grabber = new FFmpegFrameGrabber(url);
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        options.forEach(grabber::setOption);
        codecOptions.forEach(grabber::setVideoOption);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            closeQuietly(grabber);
            // not chained: JavaCV's message is in ours, cleaned, and a cause would repeat it (with the password)
            throw new SourceException("cannot open video " + shown + ": " + why(e, url, shown));
        } catch (RuntimeException e) {
            closeQuietly(grabber);
            String message = "cannot open video " + shown + ": " + why(e, url, shown);
            throw url.equals(shown) ? new SourceException(message, e) : new SourceException(message);
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly(grabber);
            throw new SourceException("expected a video stream in " + shown + ", found none");
        }
        return new FfmpegDecoder(shown, grabber);
    }

    /**
     * JavaCV's message without its advice, the URL shown as {@code shown}, and FFmpeg's error code spelled out:
     * {@code avformat_open_input() error -111: Could not open input "rtsp://cam/1". (Connection refused)}.
     */
    static String why(Exception e, String url, String shown) {
        String why = String.valueOf(e.getMessage()).replace(url, shown);
        for (String advice : JAVACV_ADVICE) {
            why = why.replace(advice, "");
        }
        Matcher code = FFMPEG_ERROR.matcher(why);
        if (code.find()) {
            byte[] text = new byte[256];
            if (avutil.av_strerror(Integer.parseInt(code.group(1)), text, text.length) == 0) {
                int end = 0;
                while (end < text.length && text[end] != 0) {
                    end++;
                }
                why = why + " (" + new String(text, 0, end, StandardCharsets.UTF_8) + ")";
            }
        }
        return why;
    }

    /** The stream's picture width in pixels (before any {@link #scaleTo}). */
    int width() {
        return streamWidth;
    }

    int height() {
        return streamHeight;
    }

    double frameRate() {
        return grabber.getVideoFrameRate();
    }

    String codec() {
        return grabber.getVideoCodecName();
    }

    /**
     * Converts pictures so their longer side is at most {@code maxSide} pixels, scaled by FFmpeg from the decoded
     * planes with area averaging (cheaper than converting the full picture to BGR and shrinking it afterwards).
     * No effect when the stream is not larger; 0 keeps the stream's size.
     */
    void scaleTo(int maxSide) {
        int w = width();
        int h = height();
        int longer = Math.max(w, h);
        if (maxSide <= 0 || longer <= maxSide) {
            grabber.setImageWidth(0);
            grabber.setImageHeight(0);
            return;
        }
        double f = (double) maxSide / longer;
        grabber.setImageWidth(Math.max(2, (int) Math.round(w * f / 2) * 2));
        grabber.setImageHeight(Math.max(2, (int) Math.round(h * f / 2) * 2));
        grabber.setImageScalingFlags(swscale.SWS_AREA);
    }

    /**
     * Decodes the next picture without converting it to BGR (a picture that will not be sampled: the codec must
     * still decode it, since later pictures refer to it).
     *
     * @return its media time in ms, or -1 at the end of the stream
     * @throws FrameGrabber.Exception when FFmpeg fails to read or decode
     */
    long skip() throws FrameGrabber.Exception {
        Frame frame = grabber.grabFrame(false, true, false, false, false);
        return frame == null ? -1 : Math.max(0, frame.timestamp / 1000);
    }

    /**
     * Decodes the next picture.
     *
     * @return the frame, or {@code null} at the end of the stream
     * @throws FrameGrabber.Exception when FFmpeg fails to read or decode
     */
    GrabbedFrame grab() throws FrameGrabber.Exception {
        while (true) {
            Frame frame = grabber.grabImage();
            if (frame == null) {
                return null;
            }
            if (frame.image == null || frame.image.length == 0 || frame.image[0] == null) {
                continue; // a packet that produced no picture yet (decoder delay)
            }
            return new GrabbedFrame(toMat(frame), Math.max(0, frame.timestamp / 1000));
        }
    }

    /** Copies the grabber's reused buffer into a new Mat, honouring the row stride FFmpeg pads rows to. */
    private Mat toMat(Frame frame) {
        int w = frame.imageWidth;
        int h = frame.imageHeight;
        if (frame.imageChannels != 3 || frame.imageDepth != Frame.DEPTH_UBYTE) {
            throw new IllegalStateException("expected BGR24 frames from " + url + ", found " + frame.imageChannels
                    + " channels of depth " + frame.imageDepth);
        }
        int rowBytes = w * 3;
        int stride = frame.imageStride; // in bytes for DEPTH_UBYTE
        if (stride < rowBytes) {
            throw new IllegalStateException(
                    "expected a row stride >= " + rowBytes + " bytes in " + url + ", found " + stride);
        }
        Buffer raw = frame.image[0];
        ByteBuffer src = ((ByteBuffer) raw).duplicate();
        if (pixels.length != rowBytes * h) {
            pixels = new byte[rowBytes * h];
        }
        if (stride == rowBytes) {
            src.position(0);
            src.get(pixels, 0, rowBytes * h);
        } else {
            for (int y = 0; y < h; y++) {
                src.position(y * stride);
                src.get(pixels, y * rowBytes, rowBytes);
            }
        }
        Mat mat = new Mat(h, w, CvType.CV_8UC3);
        mat.put(0, 0, pixels);
        return mat;
    }

    @Override
    public void close() {
        closeQuietly(grabber);
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            LoggerFactory.getLogger(FfmpegDecoder.class).warn("closing FFmpeg decoder failed: {}", e.toString());
        }
    }
}
