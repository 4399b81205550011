package org.facestream.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facestream.audit.AuditLogs;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.InstanceIds;
import org.facestream.kafka.KafkaReachability;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.worker.WorkerPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facestream worker}: vision worker instances in consumer group {@code facestream-worker}. */
@Command(
        name = "worker",
        description =
                "Detect, align and embed faces of frames; produce face observations (transactions, exactly once).")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(
            names = "--instances",
            paramLabel = "N",
            description = "Worker instances in this process (key worker.instances).")
    Integer instances;

    @Option(
            names = "--instance-id",
            paramLabel = "ID",
            description = "Stable id of this process (default: host name); transactional ids derive from it.")
    String instanceId;

    @Override
    public Integer call() throws Exception {
        FaceStreamConfig cfg = common.resolve(
                instances == null ? Map.of() : Map.of(FaceStreamConfig.WORKER_THREADS, instances.toString()));
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        String id = instanceId != null ? instanceId : InstanceIds.ofThisHost();
        MetricsRegistry metrics = new MetricsRegistry();
        try (ShutdownSignal signal = new ShutdownSignal();
                var audit = AuditLogs.open(cfg, "worker", AuditKeySetup.require(cfg, "worker"), metrics);
                WorkerPool pool = WorkerPool.start(cfg, id, metrics);
                // served once every series exists: a scrape never sees a counter appear with its first event
                var metricsServer = MetricsEndpoint.startIfConfigured(cfg, metrics)) {
            System.err.println(
                    "facestream worker: " + pool.size() + " instance(s) of " + id + " running; Ctrl-C stops");
            signal.await();
        }
        return 0;
    }
}
