package org.facestream.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.facestream.audit.AuditLogs;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.IngestSettings;
import org.facestream.ingest.CameraIngest;
import org.facestream.ingest.IngestMetrics;
import org.facestream.ingest.IngestSummary;
import org.facestream.kafka.KafkaReachability;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facestream ingest}: one camera (file, folder or RTSP) into {@code facestream.frames.v1}. */
@Command(
        name = "ingest",
        description = "Decode a video file, image folder or RTSP camera, sample it and produce JPEG frames.")
final class IngestCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--camera", required = true, paramLabel = "ID", description = "Camera id (the record key).")
    String camera;

    @Option(
            names = "--source",
            required = true,
            paramLabel = "FILE|DIR|rtsp://...",
            description = "Video file, image folder or RTSP URL.")
    String source;

    @Mixin
    FpsOption fps;

    @Option(names = "--loop", description = "Replay a file from the start when it ends.")
    boolean loop;

    @Option(
            names = "--realtime",
            description = "Pace a file at media speed and keep only the newest frames when behind, like a live camera.")
    boolean realtime;

    @Override
    public Integer call() throws Exception {
        FaceStreamConfig cfg = common.resolve(fps.overrides());
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        IngestSettings settings =
                IngestSettings.fromConfig(cfg, camera).withLoop(loop).withRealtime(realtime);
        MetricsRegistry metrics = new MetricsRegistry();
        // the source first: a file that is not there fails here, before anything is written to the audit log (a
        // camera that does not answer yet is waited for by the run, with backoff)
        try (ShutdownSignal signal = new ShutdownSignal();
                CameraIngest ingest = CameraIngest.open(
                        source, cfg.kafkaClientSettings(), cfg.string(FaceStreamConfig.BOOTSTRAP), settings);
                var audit = AuditLogs.open(cfg, "ingest", AuditKeySetup.require(cfg, "ingest"), metrics)) {
            IngestMetrics.register(metrics, camera, ingest);
            // served once every series exists: a scrape never sees a counter appear with its first event
            var metricsServer = MetricsEndpoint.startIfConfigured(cfg, metrics);
            Thread stopper = Thread.ofVirtual().start(() -> {
                try {
                    signal.await();
                    ingest.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            IngestSummary summary;
            try {
                summary = ingest.run();
            } finally {
                stopper.interrupt();
                if (metricsServer != null) {
                    metricsServer.close();
                }
            }
            System.err.println("facestream ingest: " + summary);
        }
        return 0;
    }
}
