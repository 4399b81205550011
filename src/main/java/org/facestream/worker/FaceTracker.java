package org.facestream.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceTrack;

/**
 * Follows one camera's faces across its frames, SORT/ByteTrack style, from boxes alone (no embedding): each
 * live track's box is moved on at the track's velocity to the new frame's capture time, then detections are
 * associated with tracks by overlap (IoU, greedy from the largest), first the confident detections with every
 * track, then the weak ones (below {@code highScore}) with the tracks still unmatched; a confident detection
 * left over starts a track, a weak one is dropped. A track without a detection for longer than {@code maxGap}
 * of capture time ends. Velocity is smoothed over updates so a face that moves steadily keeps overlapping its
 * prediction at low frame rates.
 *
 * <p>A camera's state ({@link Tracks}) is immutable: a frame goes in with it and the next state comes out, so
 * the worker can drop the effect of an aborted transaction. Thread-safe.
 */
final class FaceTracker {
    /** Weight of the newest displacement in the smoothed velocity. */
    private static final double VELOCITY_GAIN = 0.5;

    /**
     * @param highScore detections at or above start tracks and are associated first
     * @param minIoU least overlap of a predicted track box with a detection, in (0, 1]
     * @param maxGap a track without a detection for longer than this ends
     */
    record Settings(double highScore, double minIoU, Duration maxGap) {
        Settings {
            if (!(minIoU > 0 && minIoU <= 1)) {
                throw new IllegalArgumentException("expected minIoU in (0, 1], found " + minIoU);
            }
            if (maxGap == null || maxGap.isNegative() || maxGap.isZero()) {
                throw new IllegalArgumentException("expected a positive maxGap, found " + maxGap);
            }
        }
    }

    /**
     * One live track.
     *
     * @param id {@link FaceTrack#idOf}
     * @param firstSeen capture time of the first face
     * @param lastSeen capture time of the last detection associated with it
     * @param box the last associated box, in source pixels
     * @param vx horizontal velocity of the box centre, pixels per second
     * @param vy vertical velocity of the box centre, pixels per second
     * @param faces confident detections associated so far
     * @param shots faces embedded so far
     * @param bestQuality best quality score embedded so far (0 before the first)
     * @param lastShotAt capture time of the last embedded face, or null before the first
     */
    record Track(
            String id,
            Instant firstSeen,
            Instant lastSeen,
            BoundingBox box,
            double vx,
            double vy,
            int faces,
            int shots,
            double bestQuality,
            Instant lastShotAt) {
        Track {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(firstSeen, "firstSeen");
            Objects.requireNonNull(lastSeen, "lastSeen");
            Objects.requireNonNull(box, "box");
        }

        /** The box moved on at the track's velocity to {@code at}. */
        BoundingBox predictedAt(Instant at) {
            double dt = Duration.between(lastSeen, at).toNanos() / 1e9;
            return new BoundingBox((float) (box.x() + vx * dt), (float) (box.y() + vy * dt), box.width(), box.height());
        }

        /** This track after embedding a face of quality {@code quality} captured at {@code at}. */
        Track withShot(double quality, Instant at) {
            return new Track(
                    id, firstSeen, lastSeen, box, vx, vy, faces, shots + 1, Math.max(bestQuality, quality), at);
        }
    }

    /** A camera's live tracks, oldest first. */
    record Tracks(List<Track> live) {
        static final Tracks NONE = new Tracks(List.of());

        Tracks {
            live = List.copyOf(live);
        }

        /** The state with track {@code index} replaced. */
        Tracks with(int index, Track t) {
            List<Track> next = new ArrayList<>(live);
            next.set(index, t);
            return new Tracks(next);
        }
    }

    /**
     * What a frame did to the tracks.
     *
     * @param next the camera's tracks after the frame
     * @param trackOf for each detection (in input order), the index in {@code next.live()} of its track, or -1
     * @param started tracks started by this frame
     * @param ended tracks that ended before it (no detection for longer than the gap)
     */
    record Update(Tracks next, int[] trackOf, int started, int ended) {
        Update {
            trackOf = trackOf.clone();
        }

        /** The track of detection {@code i}, or -1. */
        int trackOf(int i) {
            return trackOf[i];
        }
    }

    /**
     * A detection as the tracker sees it.
     *
     * @param box in source pixels
     * @param score detector score in [0, 1]
     */
    record Detection(BoundingBox box, double score) {
        Detection {
            Objects.requireNonNull(box, "box");
        }
    }

    private final Settings settings;

    FaceTracker(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Associates the detections of frame {@code frameSequence} of ingest run {@code ingestRun} (null: none) of
     * {@code cameraId}, captured at {@code capturedAt},
     * with the camera's tracks. Frames must arrive in capture order per camera (as they do on a camera-keyed
     * partition).
     *
     * @param detections the frame's detections, highest score first
     */
    Update update(
            Tracks state,
            String cameraId,
            String ingestRun,
            long frameSequence,
            Instant capturedAt,
            List<Detection> detections) {
        List<Track> live = new ArrayList<>();
        int ended = 0;
        for (Track t : state.live()) {
            if (Duration.between(t.lastSeen(), capturedAt).compareTo(settings.maxGap()) <= 0) {
                live.add(t);
            } else {
                ended++;
            }
        }
        int n = detections.size();
        int[] trackOf = new int[n];
        Arrays.fill(trackOf, -1);
        boolean[] taken = new boolean[live.size()];
        List<BoundingBox> predicted = new ArrayList<>(live.size());
        for (Track t : live) {
            predicted.add(t.predictedAt(capturedAt));
        }
        associate(detections, true, predicted, taken, trackOf);
        associate(detections, false, predicted, taken, trackOf);
        List<Track> next = new ArrayList<>(live);
        for (int d = 0; d < n; d++) {
            if (trackOf[d] >= 0) {
                next.set(trackOf[d], followed(live.get(trackOf[d]), detections.get(d), capturedAt));
            }
        }
        int started = 0;
        for (int d = 0; d < n; d++) {
            Detection face = detections.get(d);
            if (trackOf[d] < 0 && face.score() >= settings.highScore()) {
                next.add(new Track(
                        FaceTrack.idOf(cameraId, ingestRun, frameSequence, d),
                        capturedAt,
                        capturedAt,
                        face.box(),
                        0,
                        0,
                        1,
                        0,
                        0,
                        null));
                trackOf[d] = next.size() - 1;
                started++;
            }
        }
        return new Update(new Tracks(next), trackOf, started, ended);
    }

    /** Greedy association of the confident (or weak) detections with the untaken tracks, largest IoU first. */
    private void associate(
            List<Detection> detections,
            boolean confident,
            List<BoundingBox> predicted,
            boolean[] taken,
            int[] trackOf) {
        List<double[]> pairs = new ArrayList<>();
        for (int d = 0; d < detections.size(); d++) {
            Detection face = detections.get(d);
            if (trackOf[d] >= 0 || (face.score() >= settings.highScore()) != confident) {
                continue;
            }
            for (int t = 0; t < predicted.size(); t++) {
                if (taken[t]) {
                    continue;
                }
                double iou = predicted.get(t).iou(face.box());
                if (iou >= settings.minIoU()) {
                    pairs.add(new double[] {iou, d, t});
                }
            }
        }
        pairs.sort((a, b) -> Double.compare(b[0], a[0]));
        for (double[] p : pairs) {
            int d = (int) p[1];
            int t = (int) p[2];
            if (trackOf[d] < 0 && !taken[t]) {
                trackOf[d] = t;
                taken[t] = true;
            }
        }
    }

    private Track followed(Track t, Detection face, Instant at) {
        double dt = Duration.between(t.lastSeen(), at).toNanos() / 1e9;
        double vx = t.vx();
        double vy = t.vy();
        if (dt > 0) {
            double mx = (face.box().centerX() - t.box().centerX()) / dt;
            double my = (face.box().centerY() - t.box().centerY()) / dt;
            boolean first = t.faces() == 1 && t.vx() == 0 && t.vy() == 0;
            vx = first ? mx : VELOCITY_GAIN * mx + (1 - VELOCITY_GAIN) * t.vx();
            vy = first ? my : VELOCITY_GAIN * my + (1 - VELOCITY_GAIN) * t.vy();
        }
        boolean confident = face.score() >= settings.highScore();
        return new Track(
                t.id(),
                t.firstSeen(),
                at,
                face.box(),
                vx,
                vy,
                t.faces() + (confident ? 1 : 0),
                t.shots(),
                t.bestQuality(),
                t.lastShotAt());
    }
}
