package org.facestream.ingest;

import java.time.Duration;

/**
 * Counters of one ingest run. Every sampled frame ends up sent, dropped or failed.
 *
 * @param grabbed pictures decoded from the source
 * @param sampled pictures kept by the rate sampler
 * @param sent frames the broker acknowledged
 * @param dropped sampled frames evicted because the producer was behind (live / real-time only)
 * @param decodeErrors pictures the source could not decode (skipped)
 * @param failed sampled frames lost to an encoding or Kafka error
 * @param elapsed wall time of the run so far
 * @param grabTime time spent decoding and converting pictures (the grab thread, pacing waits excluded)
 * @param encodeTime time spent JPEG-encoding sampled frames (the produce thread)
 */
public record IngestSummary(
        long grabbed,
        long sampled,
        long sent,
        long dropped,
        long decodeErrors,
        long failed,
        Duration elapsed,
        Duration grabTime,
        Duration encodeTime) {

    /** Frames sent per second of wall time. */
    public double sentPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s > 0 ? sent / s : 0;
    }
}
