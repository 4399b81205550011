package org.facestream.vision;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.facestream.config.WorkerConfig;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceTrack;
import org.facestream.events.Frame;

/**
 * Turns the analysed faces of one frame into observations: drops faces below the quality minimums (reported
 * to {@code onDrop} with the reason) and numbers the kept faces 0, 1, ... in detector order, so the same
 * frame always yields the same observation ids. Pure; used by the worker and by tests that compute the
 * expected output of a fault-free run.
 */
public final class FaceObservations {
    private FaceObservations() {}

    /** Why a face is dropped, or null when it is kept. */
    public static String dropReason(AnalyzedFace face, WorkerConfig config) {
        return face.quality().refusal(config.quality());
    }

    /**
     * The observation of one analysed face of {@code frame}, numbered {@code faceIndex} among the frame's faces
     * that passed the quality gate, on {@code track} (null when the worker does not track).
     */
    public static FaceObservation of(
            Frame frame,
            AnalyzedFace face,
            int faceIndex,
            FaceTrack track,
            Instant observedAt,
            String packId,
            boolean thumbnails) {
        return new FaceObservation(
                FaceObservation.idOf(frame.cameraId(), frame.ingestRun(), frame.sequence(), faceIndex),
                frame.cameraId(),
                frame.ingestRun(),
                frame.sequence(),
                faceIndex,
                frame.capturedAt(),
                observedAt,
                frame.width(),
                frame.height(),
                face.face().box(),
                face.face().landmarks(),
                face.quality(),
                face.embedding(),
                packId,
                thumbnails ? face.thumbnailJpeg() : null,
                track);
    }

    public static List<FaceObservation> of(
            Frame frame,
            List<AnalyzedFace> faces,
            Instant observedAt,
            String packId,
            WorkerConfig config,
            BiConsumer<String, AnalyzedFace> onDrop) {
        List<FaceObservation> out = new ArrayList<>(faces.size());
        for (AnalyzedFace face : faces) {
            String drop = dropReason(face, config);
            if (drop != null) {
                onDrop.accept(drop, face);
                continue;
            }
            out.add(of(frame, face, out.size(), null, observedAt, packId, config.thumbnails()));
        }
        return out;
    }
}
