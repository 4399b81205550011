package org.facestream.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.facestream.config.AnalysisSettings;
import org.facestream.config.VisionOptions;
import org.facestream.config.WorkerConfig;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.Frame;
import org.facestream.ingest.FrameSampler;
import org.facestream.ingest.GrabbedFrame;
import org.facestream.ingest.JpegFrameEncoder;
import org.facestream.ingest.VideoFileSource;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.vision.FaceObservations;
import org.facestream.vision.FrameDecoder;
import org.opencv.core.Mat;

/**
 * A clip as the worker receives it from ingest (sampled at 5 fps by media time, converted to at most 640 px,
 * JPEG at the default quality) and what the worker's {@link FrameAnalysis} makes of it in a given mode, frame by
 * frame on the real models, without Kafka. Frames are captured 200 ms apart from a fixed instant.
 */
final class ClipReplay {
    static final double FPS = 5;
    static final int MAX_SIDE = 640;
    static final int JPEG_QUALITY = 90;
    /** One ingest run for every replay: the same clip gives the same observation and track ids. */
    static final String RUN = "00000000000000c1";

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private ClipReplay() {}

    /** The clip's frames, as ingest would send them for camera {@code camera}. */
    static List<Frame> frames(Path video, String camera) throws InterruptedException {
        List<Frame> frames = new ArrayList<>();
        FrameSampler sampler = new FrameSampler(FPS);
        JpegFrameEncoder encoder = new JpegFrameEncoder(JPEG_QUALITY, MAX_SIDE);
        try (VideoFileSource source = VideoFileSource.open(video, false, FPS)) {
            source.scaleTo(MAX_SIDE);
            source.sampleBy(sampler::wouldKeep);
            for (GrabbedFrame g = source.next(); g != null; g = source.next()) {
                try (GrabbedFrame f = g) {
                    if (sampler.keep(f.mediaTimeMillis())) {
                        long seq = frames.size();
                        frames.add(encoder.encode(
                                camera, RUN, seq, T0.plusMillis(seq * 200), f.mediaTimeMillis(), f.image()));
                    }
                }
            }
        }
        return frames;
    }

    /** The worker settings of a mode: the default quality gate, the given analysis. */
    static WorkerConfig config(AnalysisSettings analysis) {
        return new WorkerConfig(
                "replay",
                8,
                4 << 20,
                VisionOptions.DEFAULT_MAX_PIXELS,
                new FaceQuality.Gate(0.6, 6.0),
                false,
                Duration.ofMillis(100),
                analysis);
    }

    /** The observations the worker produces for {@code frames} with {@code analysis}, in frame order. */
    static List<FaceObservation> observe(
            FaceAnalyzer analyzer, List<Frame> frames, AnalysisSettings analysis, MetricsRegistry metrics) {
        WorkerConfig config = config(analysis);
        FrameAnalysis analysisRun = new FrameAnalysis(analyzer, config, metrics);
        FrameDecoder decoder = analyzer.decoder();
        List<FaceObservation> out = new ArrayList<>();
        for (Frame f : frames) {
            Mat image = decoder.decode(f.jpeg());
            try {
                FrameAnalysis.Result r = analysisRun
                        .analyze(List.of(new FrameAnalysis.Input(f, image, 0)))
                        .get(0);
                for (FrameAnalysis.Observed o : r.observed()) {
                    out.add(FaceObservations.of(
                            f,
                            o.face(),
                            o.faceIndex(),
                            o.track(),
                            f.capturedAt(),
                            analyzer.pack().id(),
                            false));
                }
            } finally {
                image.release();
            }
        }
        return out;
    }
}
