package org.facestream.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.facestream.audit.AuditLogs;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.InstanceIds;
import org.facestream.config.MasterKeySetup;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.GalleryService;
import org.facestream.kafka.KafkaReachability;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code facestream gallery}: the gallery processor (Kafka Streams, application id {@code facestream-gallery}), the
 * one writer of the gallery: it applies the enroll and erase commands that the API, {@code facestream enroll} and
 * {@code erase} and the demo submit, one subject at a time, in order. Needs the master key. Run one or more (they
 * share the command topic's partitions).
 */
@Command(
        name = "gallery",
        description = "Apply enrollments and erasures in order, one writer per subject (Kafka Streams, exactly once).")
final class GalleryProcessorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        FaceStreamConfig cfg = common.resolve();
        MasterKeys keys = MasterKeySetup.require(cfg, "gallery processor");
        var auditKeys = AuditKeySetup.require(cfg, "gallery processor");
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        MetricsRegistry metrics = new MetricsRegistry();
        try (ShutdownSignal signal = new ShutdownSignal();
                var audit = AuditLogs.open(cfg, "gallery", auditKeys, metrics);
                GalleryService gallery = new GalleryService(
                        cfg.kafkaClientSettings(), keys, auditKeys, InstanceIds.ofThisHost(), metrics);
                // served once every series exists: a scrape never sees a counter appear with its first event
                var metricsServer = MetricsEndpoint.startIfConfigured(cfg, metrics)) {
            gallery.start(Duration.ofMinutes(2));
            System.err.println("facestream gallery: running; Ctrl-C stops");
            signal.await();
        }
        return 0;
    }
}
