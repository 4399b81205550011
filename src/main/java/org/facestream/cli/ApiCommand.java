package org.facestream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facestream.api.ApiKeys;
import org.facestream.api.ApiRuntime;
import org.facestream.audit.AuditLogs;
import org.facestream.config.ApiSettings;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.MasterKeySetup;
import org.facestream.enroll.Enroller;
import org.facestream.kafka.KafkaReachability;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream api}: the REST API, live event stream and dashboard against a Kafka cluster, as its own
 * process (the matcher runs elsewhere, so erasure answers once the API's gallery view has the tombstone).
 * It does not start without an API key file; its enrollments, erasures and key changes go to its audit chain.
 */
@Command(
        name = "api",
        description = "Serve the REST API, server-sent events and the dashboard against a Kafka cluster.")
final class ApiCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "N", description = "TCP port (key api.port, default 8080).")
    Integer port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            paramLabel = "ADDR",
            description =
                    "Address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 exposes biometric data and erasure to the network).")
    String host;

    @Option(
            names = "--keys",
            paramLabel = "FILE",
            description = "API key file (key api.keys.file; facestream api-key create).")
    Path keys;

    @Option(
            names = "--max-upload-mb",
            defaultValue = "10",
            paramLabel = "MB",
            description = "Largest enrollment upload in MiB (default ${DEFAULT-VALUE}).")
    int maxUploadMb;

    @Override
    public Integer call() throws Exception {
        if (maxUploadMb < 1 || maxUploadMb > 1024) {
            throw new IllegalArgumentException("expected --max-upload-mb in [1, 1024], found " + maxUploadMb);
        }
        Map<String, String> own = new HashMap<>();
        if (keys != null) {
            own.put(FaceStreamConfig.API_KEYS_FILE, keys.toString());
        }
        if (port != null) {
            own.put(FaceStreamConfig.API_PORT, port.toString());
        }
        FaceStreamConfig cfg = common.resolve(own);
        if (cfg.string(FaceStreamConfig.API_KEYS_FILE).isBlank()) {
            throw new IllegalArgumentException(
                    "expected --keys FILE or " + FaceStreamConfig.API_KEYS_FILE + " (the API needs keys), found none; "
                            + "mint one with 'facestream api-key create --role admin --id admin-1 --file api-keys.txt'");
        }
        // a bad key file fails here, in a second, naming its line
        ApiKeys.read(Path.of(cfg.string(FaceStreamConfig.API_KEYS_FILE)));
        var masterKeys = MasterKeySetup.require(cfg, "api");
        var auditKeys = AuditKeySetup.require(cfg, "api");
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        ApiSettings settings = ApiSettings.defaults(cfg.integer(FaceStreamConfig.API_PORT))
                .withHost(host)
                .withMaxUploadBytes((long) maxUploadMb << 20);
        MetricsRegistry metrics = new MetricsRegistry();
        try (ShutdownSignal signal = new ShutdownSignal();
                var audit = AuditLogs.open(cfg, "api", auditKeys, metrics);
                FaceAnalyzer analyzer = FaceAnalyzer.forPortraits(cfg, metrics);
                ApiRuntime api = ApiRuntime.start(
                        cfg,
                        masterKeys,
                        settings,
                        ApiWiring.matcherElsewhere(cfg, new Enroller(analyzer, metrics)::everyTemplate),
                        audit,
                        metrics)) {
            System.err.println("facestream api: dashboard on http://" + host + ":" + api.port() + "/; Ctrl-C stops");
            signal.await();
        }
        return 0;
    }
}
