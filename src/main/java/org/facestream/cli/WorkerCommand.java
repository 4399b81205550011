package org.facestream.cli;

import org.facestream.events.FaceQuality;
import org.facestream.audit.AuditLogs;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import org.facestream.kafka.KafkaReachability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.worker.VisionWorker;
import org.facestream.worker.WorkerClients;
import org.facestream.config.WorkerConfig;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facestream worker}: vision worker instances in consumer group {@code facestream-worker}. */
@Command(name = "worker", description = "Detect, align and embed faces of frames; produce face observations (transactions, exactly once).")
final class WorkerCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--instances", paramLabel = "N", description = "Worker instances in this process (key worker.instances).")
  Integer instances;

  @Option(names = "--instance-id", paramLabel = "ID", description = "Stable id of this process (default: host name); transactional ids derive from it.")
  String instanceId;

  @Override
  public Integer call() throws Exception {
    FaceStreamConfig cfg = common.resolve(instances == null ? java.util.Map.of() : java.util.Map.of(FaceStreamConfig.WORKER_THREADS, instances.toString()));
    KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
    String id = instanceId != null ? instanceId : hostName();
    MetricsRegistry metrics = new MetricsRegistry();
    try (ShutdownSignal signal = new ShutdownSignal();
        var audit = AuditLogs.open(cfg, "worker", metrics);
        var metricsServer = MetricsEndpoint.startIfConfigured(cfg, metrics);
        WorkerPool pool = WorkerPool.start(cfg, id, metrics)) {
      System.err.println("facestream worker: " + pool.size() + " instance(s) of " + id + " running; Ctrl-C stops");
      signal.await();
    }
    return 0;
  }

  static String hostName() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        h = "worker";
      }
    }
    return h.replaceAll("[^A-Za-z0-9._-]", "-");
  }

  /** Worker instances, each with its own analyzer (ONNX sessions) and thread. */
  static final class WorkerPool implements AutoCloseable {
    private final List<VisionWorker> workers = new ArrayList<>();
    private final List<FaceAnalyzer> analyzers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    static WorkerPool start(FaceStreamConfig cfg, String id, MetricsRegistry metrics) {
      WorkerPool pool = new WorkerPool();
      try {
        int n = cfg.integer(FaceStreamConfig.WORKER_THREADS);
        for (int i = 0; i < n; i++) {
          FaceAnalyzer analyzer = FaceAnalyzer.forFrames(cfg, metrics);
          pool.analyzers.add(analyzer);
          WorkerConfig wc = new WorkerConfig(id + "-" + i, cfg.integer(FaceStreamConfig.BATCH_MAX_FRAMES),
              cfg.integer(FaceStreamConfig.FRAME_MAX_BYTES), cfg.longValue(FaceStreamConfig.FRAME_MAX_PIXELS),
              new FaceQuality.Gate(cfg.decimal(FaceStreamConfig.MIN_FACE_SCORE), cfg.decimal(FaceStreamConfig.MIN_INTEROCULAR)),
              cfg.bool(FaceStreamConfig.THUMBNAILS), Duration.ofMillis(200));
          VisionWorker worker = new VisionWorker(wc, WorkerClients.kafka(cfg.kafkaClientSettings()), analyzer, metrics);
          pool.workers.add(worker);
          pool.threads.add(Thread.ofPlatform().name("vision-worker-" + i).start(worker));
        }
        for (VisionWorker w : pool.workers) {
          // a worker Kafka refuses (credentials, ACLs) stops at once: fail the command rather than idle
          w.awaitReady(Duration.ofSeconds(30));
        }
        return pool;
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      } catch (InterruptedException e) {
        pool.close();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting workers", e);
      }
    }

    int size() {
      return workers.size();
    }

    @Override
    public void close() {
      workers.forEach(VisionWorker::close);
      for (Thread t : threads) {
        try {
          t.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      analyzers.forEach(FaceAnalyzer::close);
    }
  }
}
