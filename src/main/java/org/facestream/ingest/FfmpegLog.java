package org.facestream.ingest;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own log ({@code av_log}), which it otherwise writes straight to the process's standard error in its
 * own format ({@code [tcp @ 0x7f3c849e40c0] Connection to tcp://... failed}), once per attempt and between our
 * log lines. Installed once per JVM before the first decoder opens: only errors pass FFmpeg's level, and they go
 * to this class's logger at DEBUG, because the source that sees the failure says it once in its own words (a
 * camera that does not answer, a read that failed). Set the logger {@code org.facestream.ingest.FfmpegLog} to
 * DEBUG to see FFmpeg's lines. Thread-safe: FFmpeg calls it from its decoding threads.
 */
final class FfmpegLog extends LogCallback {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegLog.class);
    private static volatile FfmpegLog installed;

    private FfmpegLog() {}

    /** Routes FFmpeg's messages of level error and worse to the logger (idempotent). */
    static void install() {
        if (installed == null) {
            synchronized (FfmpegLog.class) {
                if (installed == null) {
                    // kept reachable in the static field, so the native callback is never freed while FFmpeg holds it
                    FfmpegLog callback = new FfmpegLog();
                    callback.retainReference();
                    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
                    avutil.setLogCallback(callback);
                    installed = callback;
                }
            }
        }
    }

    @Override
    public void call(int level, BytePointer message) {
        if (LOG.isDebugEnabled() && message != null) {
            LOG.debug("ffmpeg (level {}): {}", level, message.getString().strip());
        }
    }
}
