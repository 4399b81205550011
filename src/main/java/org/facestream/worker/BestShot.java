package org.facestream.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.facestream.events.FaceTrack;
import org.facestream.vision.AlignedFace;

/**
 * Which tracked faces are worth an embedding, by one quality score in [0, 1] that multiplies the measures the
 * recogniser's accuracy depends on, each mapped to [0, 1]:
 *
 * <pre>
 * quality = detector score
 *         x min(1, inter-ocular distance / {@value #FULL_SIZE_INTEROCULAR_PX} px)     (resolution: ArcFace crops are 112 px)
 *         x sharpness / (sharpness + {@value #SHARPNESS_HALF})                 (variance of the Laplacian of the crop)
 *         x cos^2(yaw)                                                         (a profile face embeds poorly)
 * </pre>
 *
 * A track's face is embedded when the track has no embedding yet and the face passes the quality gate
 * ({@link FaceTrack.Reason#START}); later only when its score reaches {@code minGain} times the best score
 * embedded on the track and exceeds it by at least {@value #MIN_ABSOLUTE_GAIN} ({@link FaceTrack.Reason#BETTER}),
 * or when the track's last embedding is {@code interval}
 * old ({@link FaceTrack.Reason#INTERVAL}: a tracker can swap two people who cross, and a long track is
 * re-identified now and then). Roll is not in the score: alignment removes it. Pure and thread-safe.
 */
final class BestShot {
    /** Eye distance, in source pixels, from which resolution no longer limits the score. */
    static final double FULL_SIZE_INTEROCULAR_PX = 40;
    /** Sharpness at which the sharpness factor is one half (a crop this sharp still embeds well). */
    static final double SHARPNESS_HALF = 100;
    /**
     * Least rise of the score for a clearly better shot, besides the relative gain: among faces too small or turned
     * to identify well (scores of a few hundredths) a doubling is noise, not a better view.
     */
    static final double MIN_ABSOLUTE_GAIN = 0.05;

    private final double minGain;
    private final Duration interval;

    /**
     * @param minGain a later shot must score at least this multiple of the track's best so far (at least 1)
     * @param interval a track whose last embedding is this old is embedded again; zero: never for time alone
     */
    BestShot(double minGain, Duration interval) {
        if (!(minGain >= 1)) {
            throw new IllegalArgumentException("expected minGain >= 1, found " + minGain);
        }
        this.minGain = minGain;
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    /** The quality score of an aligned face, in [0, 1]. */
    static double quality(AlignedFace face) {
        return quality(face.face().score(), face.interOcularPx(), face.sharpness(), face.yawDegrees());
    }

    /** The quality score from its measures, in [0, 1]. */
    static double quality(double detectorScore, double interOcularPx, double sharpness, double yawDegrees) {
        double size = Math.min(1, Math.max(0, interOcularPx) / FULL_SIZE_INTEROCULAR_PX);
        double sharp = Math.max(0, sharpness) / (Math.max(0, sharpness) + SHARPNESS_HALF);
        double cos = Math.cos(Math.toRadians(Math.min(90, Math.abs(yawDegrees))));
        double q = Math.max(0, Math.min(1, detectorScore)) * size * sharp * cos * cos;
        return Double.isFinite(q) ? q : 0;
    }

    /**
     * Why a face of quality {@code quality} on {@code track}, captured at {@code at}, is embedded, or null when it
     * is not. The face must already have passed the quality gate.
     */
    FaceTrack.Reason decide(FaceTracker.Track track, double quality, Instant at) {
        if (track.shots() == 0) {
            return FaceTrack.Reason.START;
        }
        if (quality >= minGain * track.bestQuality() && quality >= track.bestQuality() + MIN_ABSOLUTE_GAIN) {
            return FaceTrack.Reason.BETTER;
        }
        if (!interval.isZero()
                && track.lastShotAt() != null
                && Duration.between(track.lastShotAt(), at).compareTo(interval) >= 0) {
            return FaceTrack.Reason.INTERVAL;
        }
        return null;
    }
}
