package org.facestream.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.facestream.config.AnalysisSettings;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.WorkerConfig;
import org.facestream.events.FaceQuality;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;

/**
 * The vision worker instances of one process ({@code worker.instances}), each with its own analyzer (ONNX
 * sessions) and thread; instance {@code i} of process {@code P} has instance id {@code P-i}, so its
 * transactional id is stable across restarts. {@link #start} returns once every instance is consuming, and
 * fails at once, closing what it opened, when Kafka refuses one (credentials, ACLs) rather than leaving a
 * process that idles. Not thread-safe; one owner.
 */
public final class WorkerPool implements AutoCloseable {
    /** Longest wait for one instance to initialise its transactions and subscribe. */
    private static final Duration READY_WAIT = Duration.ofSeconds(30);
    /** Longest wait for one instance's thread to end on close. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    /** Longest wait for frames in one poll: short, so close() is answered quickly. */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final List<VisionWorker> workers = new ArrayList<>();
    private final List<FaceAnalyzer> analyzers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private WorkerPool() {}

    /**
     * Starts {@code worker.instances} workers of process {@code processId} on the frame analyzer, worker keys
     * and Kafka client settings of {@code cfg}.
     *
     * @throws IllegalStateException naming the cause when an instance stopped while starting
     */
    public static WorkerPool start(FaceStreamConfig cfg, String processId, MetricsRegistry metrics) {
        return start(
                cfg.integer(FaceStreamConfig.WORKER_THREADS),
                i -> workerConfig(cfg, processId + "-" + i),
                () -> FaceAnalyzer.forFrames(cfg, metrics),
                WorkerClients.kafka(cfg.kafkaClientSettings()),
                metrics);
    }

    /**
     * Starts {@code instances} workers, instance {@code i} with {@code configs.apply(i)}, a new analyzer from
     * {@code analyzers} (the pool closes it) and clients from {@code clients}.
     */
    static WorkerPool start(
            int instances,
            IntFunction<WorkerConfig> configs,
            Supplier<FaceAnalyzer> analyzers,
            WorkerClients clients,
            MetricsRegistry metrics) {
        WorkerPool pool = new WorkerPool();
        try {
            for (int i = 0; i < instances; i++) {
                FaceAnalyzer analyzer = analyzers.get();
                pool.analyzers.add(analyzer);
                VisionWorker worker = new VisionWorker(configs.apply(i), clients, analyzer, metrics);
                pool.workers.add(worker);
                pool.threads.add(Thread.ofPlatform().name("vision-worker-" + i).start(worker));
            }
            pool.awaitReady(READY_WAIT);
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

    /** The settings of one instance from the worker keys of {@code cfg}. */
    static WorkerConfig workerConfig(FaceStreamConfig cfg, String instanceId) {
        return new WorkerConfig(
                instanceId,
                cfg.integer(FaceStreamConfig.BATCH_MAX_FRAMES),
                cfg.integer(FaceStreamConfig.FRAME_MAX_BYTES),
                cfg.longValue(FaceStreamConfig.FRAME_MAX_PIXELS),
                new FaceQuality.Gate(
                        cfg.decimal(FaceStreamConfig.MIN_FACE_SCORE), cfg.decimal(FaceStreamConfig.MIN_INTEROCULAR)),
                cfg.bool(FaceStreamConfig.THUMBNAILS),
                POLL_TIMEOUT,
                AnalysisSettings.fromConfig(cfg));
    }

    /**
     * Waits for each instance in turn to be consuming or to have stopped, up to {@code timeout} each.
     *
     * @throws IllegalStateException naming the cause when an instance stopped on an error (e.g. refused credentials)
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        for (VisionWorker w : workers) {
            w.awaitReady(timeout);
        }
    }

    /** The number of instances. */
    public int size() {
        return workers.size();
    }

    /** Stops every instance, waits for its thread, then closes the analyzers (no call is running any more). */
    @Override
    public void close() {
        workers.forEach(VisionWorker::close);
        for (Thread t : threads) {
            try {
                t.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        analyzers.forEach(FaceAnalyzer::close);
    }
}
