package org.facestream.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.facestream.config.WorkerConfig;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.Frame;
import org.facestream.events.JsonSerde;
import org.facestream.events.NonFiniteValueException;
import org.facestream.events.Topics;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.vision.FaceObservations;
import org.facestream.vision.FrameDecoder;
import org.facestream.worker.BatchFallback.Done;
import org.facestream.worker.BatchFallback.Failed;
import org.facestream.worker.BatchFallback.Outcome;
import org.facestream.worker.FrameAdmission.Admitted;
import org.facestream.worker.FrameAdmission.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vision worker loop: consumes frames, admits them ({@link FrameAdmission}), detects, aligns and embeds
 * the faces of a whole poll in one batch ({@link BatchFallback} retries frame by frame when the batch fails)
 * and produces face observations, consume-transform-produce inside one Kafka transaction per poll so that no
 * frame is lost or counted twice (observations and the consumer offsets commit together). When a transaction
 * fails it is aborted and the consumer rewound to the poll's first frames, which are read again.
 *
 * <p>A frame that cannot be processed (bytes that are no frame, a frame over the size limit, a corrupt or
 * oversized JPEG, a frame the models fail on) is data, not a failure: it goes to {@link Topics#DEADLETTER}
 * in the same transaction, with the reason in headers, and is counted. Not thread-safe: one thread runs
 * {@link #run()}; {@link #close()} may be called from any thread.
 */
public final class VisionWorker implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VisionWorker.class);
    private static final String STAGE = "worker";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** The reasons a worker dead-letters a frame for: admission's, and a face the models embed as NaN. */
    static final Set<DeadLetters.Reason> DEAD_LETTER_REASONS = Collections.unmodifiableSet(EnumSet.of(
            DeadLetters.Reason.NULL_FRAME,
            DeadLetters.Reason.DESERIALIZATION_FAILED,
            DeadLetters.Reason.FRAME_TOO_LARGE,
            DeadLetters.Reason.IMAGE_TOO_LARGE,
            DeadLetters.Reason.CORRUPT_IMAGE,
            DeadLetters.Reason.DECODE_BUDGET_EXCEEDED,
            DeadLetters.Reason.EMBEDDING_NOT_FINITE,
            DeadLetters.Reason.ANALYSIS_FAILED));

    private final WorkerConfig config;
    private final WorkerClients clients;
    private final FaceAnalyzer analyzer;
    private final FrameAnalysis analysis;
    private final FrameAdmission admission;
    private final JsonSerde<FaceObservation> faceSerde = EventSerdes.faces();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile RuntimeException failure;
    private volatile boolean started;
    private volatile Consumer<String, byte[]> consumer;

    private final MetricsRegistry metrics;
    private final LongAdder framesIn;
    private final LongAdder facesOut;
    private final LongAdder decodeBudgetRefusals;
    private final LatencyHistogram decodeLatency;
    private final LatencyHistogram analyzeLatency;
    private final LatencyHistogram frameLatency;

    /**
     * A worker instance; it opens its clients from {@code clients} when {@link #run()} starts and closes them
     * when it stops. Counters and latencies go to {@code metrics}.
     */
    public VisionWorker(WorkerConfig config, WorkerClients clients, FaceAnalyzer analyzer, MetricsRegistry metrics) {
        this.config = config;
        this.clients = clients;
        this.analyzer = analyzer;
        this.admission = FrameAdmission.of(config);
        this.analysis = new FrameAnalysis(analyzer, config, metrics);
        this.metrics = metrics;
        this.framesIn = metrics.counter("worker_frames_total", "Frames the vision workers consumed");
        this.facesOut = metrics.counter("worker_faces_total", "Face observations produced");
        // every reason series at zero from the start, so increase() and rate() see the first one
        FaceQuality.REFUSALS.forEach(this::dropped);
        DEAD_LETTER_REASONS.forEach(this::deadLetters);
        this.decodeBudgetRefusals = FrameDecoder.budgetRefusals(metrics, "worker");
        this.decodeLatency = stage(metrics, "decode");
        this.analyzeLatency = stage(metrics, "detect_align_embed_batch");
        this.frameLatency = stage(metrics, "capture_to_observation");
    }

    @Override
    public void run() {
        started = true;
        try (Consumer<String, byte[]> c = clients.consumer(config);
                Producer<byte[], byte[]> producer = clients.producer(config)) {
            consumer = c;
            producer.initTransactions();
            c.subscribe(List.of(Topics.FRAMES), new ConsumerRebalanceListener() {
                // Partitions this instance no longer owns: their cameras' tracks end here; another instance (or
                // this one, when the partition comes back) starts new tracks for them.
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    analysis.forget(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    analysis.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
            });
            ready.countDown();
            LOG.info(
                    "worker {} consuming {} with pack {}",
                    config.instanceId(),
                    Topics.FRAMES,
                    analyzer.pack().id());
            while (running.get()) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(config.pollTimeout());
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) {
                    processInTransaction(c, producer, records);
                }
            }
        } catch (ProducerFencedException e) {
            LOG.error("worker {} was fenced by a newer instance with the same id; stopping", config.instanceId());
        } catch (AuthenticationException | AuthorizationException e) {
            // credentials or ACLs: retrying cannot help, and a worker that is silently gone stalls its partitions
            failure = e;
            LOG.error(
                    "worker {} stopped: Kafka refused it: {}: {}",
                    config.instanceId(),
                    e.getClass().getSimpleName(),
                    e.getMessage());
        } catch (WakeupException e) {
            // close() during a blocking call
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            stopped.countDown();
            ready.countDown();
        }
    }

    /**
     * Waits until the worker has initialised its transactions and subscribed, or has stopped.
     *
     * @return true when running, false when {@code timeout} passed first
     * @throws IllegalStateException naming the cause when the worker stopped on an error (e.g. refused credentials)
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        boolean done = ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        RuntimeException f = failure;
        if (f != null) {
            throw new IllegalStateException(
                    "worker " + config.instanceId() + " stopped: "
                            + f.getClass().getSimpleName() + ": " + f.getMessage(),
                    f);
        }
        return done && stopped.getCount() > 0;
    }

    private void processInTransaction(
            Consumer<String, byte[]> c, Producer<byte[], byte[]> producer, ConsumerRecords<String, byte[]> records) {
        Map<String, FrameAnalysis.CameraState> before = analysis.snapshot();
        producer.beginTransaction();
        try {
            List<AdmittedRecord> admitted = new ArrayList<>();
            try {
                for (ConsumerRecord<String, byte[]> r : records) {
                    framesIn.increment();
                    switch (admission.admit(r)) {
                        case Admitted a -> {
                            decodeLatency.recordMicros(a.decoding().toNanos() / 1000.0);
                            admitted.add(new AdmittedRecord(r, a));
                        }
                        case Refused refused -> {
                            if (refused.reason() == DeadLetters.Reason.DECODE_BUDGET_EXCEEDED) {
                                decodeBudgetRefusals.increment();
                            }
                            deadLetter(producer, r, refused.reason(), refused.detail());
                        }
                    }
                }
                analyzeAndProduce(admitted, producer);
            } finally {
                admitted.forEach(a -> a.frame().release());
            }
            producer.sendOffsetsToTransaction(nextOffsets(records), c.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            throw e; // fatal for this producer: the caller stops the worker
        } catch (KafkaException e) {
            LOG.warn("worker {}: transaction aborted, frames will be re-read: {}", config.instanceId(), e.toString());
            producer.abortTransaction();
            analysis.restore(before); // the frames read again must meet the tracks as they were
            rewind(c, records);
        }
    }

    private void analyzeAndProduce(List<AdmittedRecord> frames, Producer<byte[], byte[]> producer) {
        if (frames.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<Outcome<FrameAnalysis.Result>> analysed = BatchFallback.apply(
                frames.stream()
                        .map(f -> new FrameAnalysis.Input(
                                f.frame().frame(), f.frame().image(), f.source().partition()))
                        .toList(),
                analysis::analyze,
                batchFailure -> LOG.warn(
                        "worker {}: batch of {} frames failed ({}); analysing frame by frame",
                        config.instanceId(),
                        frames.size(),
                        batchFailure.toString()));
        analyzeLatency.recordMicros((System.nanoTime() - t0) / 1000.0);
        Instant now = Instant.now();
        for (int i = 0; i < frames.size(); i++) {
            ConsumerRecord<String, byte[]> source = frames.get(i).source();
            Frame frame = frames.get(i).frame().frame();
            List<FrameAnalysis.Observed> faces = switch (analysed.get(i)) {
                case Done<FrameAnalysis.Result>(FrameAnalysis.Result result) -> result.observed();
                case Failed<FrameAnalysis.Result>(RuntimeException cause) -> {
                    deadLetter(producer, source, DeadLetters.Reason.ANALYSIS_FAILED, cause.getMessage());
                    yield null;
                }
            };
            if (faces == null) {
                continue;
            }
            List<FaceObservation> observations = new ArrayList<>(faces.size());
            try {
                for (FrameAnalysis.Observed face : faces) {
                    observations.add(FaceObservations.of(
                            frame,
                            face.face(),
                            face.faceIndex(),
                            face.track(),
                            now,
                            analyzer.pack().id(),
                            config.thumbnails()));
                }
            } catch (IllegalArgumentException e) {
                // The models produced something no observation may carry (a NaN embedding or landmark): without this
                // the exception would escape the loop and stop the worker with the transaction open. The whole frame
                // goes, so the observation ids of the frame's other faces never depend on which face was bad.
                NonFiniteValueException nonFinite = NonFiniteValueException.in(e);
                DeadLetters.Reason reason =
                        nonFinite != null && nonFinite.field().equals("embedding")
                                ? DeadLetters.Reason.EMBEDDING_NOT_FINITE
                                : DeadLetters.Reason.ANALYSIS_FAILED;
                deadLetter(producer, source, reason, e.getMessage());
                continue;
            }
            for (FaceObservation obs : observations) {
                producer.send(new ProducerRecord<>(
                        Topics.FACES,
                        frame.cameraId().getBytes(StandardCharsets.UTF_8),
                        faceSerde.serialize(Topics.FACES, obs)));
                facesOut.increment();
            }
            frameLatency.recordMillis(Duration.between(frame.capturedAt(), now).toNanos() / 1e6);
        }
    }

    private LongAdder dropped(String reason) {
        return metrics.counter(
                "worker_faces_dropped_total", "Faces dropped for quality", MetricsRegistry.label("reason", reason));
    }

    private LongAdder deadLetters(DeadLetters.Reason reason) {
        return metrics.counter(
                "deadletter_total",
                "Records sent to the dead-letter topic",
                MetricsRegistry.label("reason", reason.code()));
    }

    private void deadLetter(
            Producer<byte[], byte[]> producer,
            ConsumerRecord<String, byte[]> r,
            DeadLetters.Reason reason,
            String detail) {
        deadLetters(reason).increment();
        LOG.warn(
                "worker {}: dead-lettering {}-{}@{}: {}: {}",
                config.instanceId(),
                r.topic(),
                r.partition(),
                r.offset(),
                reason,
                detail);
        byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
        producer.send(DeadLetters.record(STAGE, reason, detail, r.topic(), r.partition(), r.offset(), key, r.value()));
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<?, ?> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<? extends ConsumerRecord<?, ?>> rs = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(rs.get(rs.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private static void rewind(Consumer<?, ?> c, ConsumerRecords<?, ?> records) {
        for (TopicPartition tp : records.partitions()) {
            c.seek(tp, records.records(tp).get(0).offset());
        }
    }

    private static LatencyHistogram stage(MetricsRegistry metrics, String name) {
        return metrics.histogram(
                "stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", name));
    }

    /** Stops the loop and waits for the current transaction to finish. */
    @Override
    public void close() {
        running.set(false);
        Consumer<?, ?> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (started) {
                stopped.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A record that passed admission, kept with its source for dead letters and offsets. */
    private record AdmittedRecord(ConsumerRecord<String, byte[]> source, Admitted frame) {}
}
