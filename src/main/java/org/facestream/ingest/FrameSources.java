package org.facestream.ingest;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/** Opens the right {@link FrameSource} for what the user typed after {@code --source}. */
public final class FrameSources {
    private FrameSources() {}

    /**
     * Opens {@code uri}: {@code rtsp://} or {@code rtsps://} is a live camera, a directory is a folder of
     * images, anything else a video file ({@code file:} URIs are accepted).
     *
     * @param loop replay a video file from the start when it ends (ignored for cameras and folders)
     * @param rtsp timeouts and backoff for live cameras
     * @throws SourceException when the source cannot be opened
     */
    public static FrameSource open(String uri, boolean loop, RtspSource.Settings rtsp) {
        return open(uri, loop, rtsp, 0);
    }

    /**
     * As {@link #open(String, boolean, RtspSource.Settings)} for ingest that samples {@code sampledFps} pictures a
     * second (0: every one), which lets a video file skip decoding pictures nothing refers to.
     */
    public static FrameSource open(String uri, boolean loop, RtspSource.Settings rtsp, double sampledFps) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(rtsp, "rtsp");
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rtsp://") || lower.startsWith("rtsps://")) {
            return RtspSource.open(uri, rtsp);
        }
        Path path;
        try {
            path = lower.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
        } catch (IllegalArgumentException e) { // InvalidPathException, bad file: URI
            throw new SourceException("expected rtsp://..., a folder or a video file, found '" + uri + "'", e);
        }
        if (Files.isDirectory(path)) {
            return ImageFolderSource.open(path);
        }
        if (!Files.exists(path)) {
            throw new SourceException(
                    "expected rtsp://..., a folder or a video file, found nothing at " + path.toAbsolutePath());
        }
        return VideoFileSource.open(path, loop, sampledFps);
    }

    /** {@link #open(String, boolean, RtspSource.Settings)} with default camera settings. */
    public static FrameSource open(String uri, boolean loop) {
        return open(uri, loop, RtspSource.Settings.DEFAULT);
    }
}
