package org.facestream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facestream.audit.AuditLogs;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.InstanceIds;
import org.facestream.config.MasterKeySetup;
import org.facestream.crypto.AuditKeys;
import org.facestream.crypto.MasterKeys;
import org.facestream.kafka.KafkaReachability;
import org.facestream.match.MatcherService;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facestream matcher}: the Kafka Streams matcher (application id {@code facestream-matcher}). */
@Command(
        name = "matcher",
        description = "Match face observations against the gallery (Kafka Streams, RocksDB, exactly once).")
final class MatcherCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "RocksDB state directory (key matcher.state.dir).")
    Path stateDir;

    @Option(
            names = "--threshold",
            paramLabel = "COSINE",
            description = "Fixed decision threshold (key matcher.threshold; default: the pack's).")
    Double threshold;

    @Override
    public Integer call() throws Exception {
        Map<String, String> o = new HashMap<>();
        if (stateDir != null) {
            o.put(FaceStreamConfig.STATE_DIR, stateDir.toString());
        }
        if (threshold != null) {
            o.put(FaceStreamConfig.MATCH_THRESHOLD, threshold.toString());
        }
        FaceStreamConfig cfg = common.resolve(o);
        MasterKeys keys = MasterKeySetup.require(cfg, "matcher");
        AuditKeys auditKeys = AuditKeySetup.require(cfg, "matcher");
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        MetricsRegistry metrics = new MetricsRegistry();
        try (ShutdownSignal signal = new ShutdownSignal();
                var audit = AuditLogs.open(cfg, "matcher", auditKeys, metrics);
                MatcherService matcher = MatcherService.fromConfig(
                        cfg, keys, auditKeys, InstanceIds.ofThisHost(), () -> CohortLoader.fromConfig(cfg), metrics);
                // served once every series exists: a scrape never sees a counter appear with its first event
                var metricsServer = MetricsEndpoint.startIfConfigured(cfg, metrics)) {
            matcher.start(Duration.ofMinutes(2));
            System.err.println("facestream matcher: running, threshold policy "
                    + cfg.string(FaceStreamConfig.THRESHOLD_POLICY) + "; Ctrl-C stops");
            signal.await();
        }
        return 0;
    }
}
