package org.facestream.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.facestream.config.WorkerConfig;
import org.facestream.vision.AnalyzedFace;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.vision.FaceObservations;
import org.facestream.vision.FrameDecoder;
import org.facestream.vision.UndecodableFrameException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.events.DeadLetters;
import org.facestream.events.FaceObservation;
import org.facestream.events.Frame;
import org.facestream.events.FrameSerde;
import org.facestream.events.JsonSerde;
import org.facestream.events.NonFiniteValueException;
import org.facestream.events.EventSerdes;
import org.facestream.events.Topics;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import org.opencv.core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vision worker loop: consumes frames, decodes, detects, aligns and embeds the faces of a whole poll in
 * one batch, and produces face observations, consume-transform-produce inside one Kafka transaction per
 * poll so that no frame is lost or counted twice (observations and the consumer offsets commit together).
 *
 * <p>A frame that cannot be processed (bytes that are no frame, a frame over the size limit, a corrupt or
 * oversized JPEG) is data, not a failure: it goes to {@link Topics#DEADLETTER} in the same transaction, with
 * the reason in headers, and is counted. Not thread-safe: one thread runs {@link #run()}; {@link #close()}
 * may be called from any thread.
 */
public final class VisionWorker implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VisionWorker.class);
  private static final String STAGE = "worker";

  private final WorkerConfig config;
  private final Map<String, Object> kafkaSettings;
  private final FaceAnalyzer analyzer;
  private final FrameDecoder decoder;
  private final FrameSerde frameSerde = EventSerdes.frames();
  private final JsonSerde<FaceObservation> faceSerde = EventSerdes.faces();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile RuntimeException failure;
  private volatile boolean started;
  private volatile KafkaConsumer<String, byte[]> consumer;

  private final MetricsRegistry metrics;
  private final LongAdder framesIn;
  private final LongAdder facesOut;
  private final LatencyHistogram decodeLatency;
  private final LatencyHistogram analyzeLatency;
  private final LatencyHistogram frameLatency;

  public VisionWorker(WorkerConfig config, Map<String, Object> kafkaSettings, FaceAnalyzer analyzer, MetricsRegistry metrics) {
    this.config = config;
    this.kafkaSettings = Map.copyOf(kafkaSettings);
    this.analyzer = analyzer;
    this.decoder = new FrameDecoder(config.maxFramePixels());
    this.metrics = metrics;
    this.framesIn = metrics.counter("worker_frames_total", "Frames the vision workers consumed");
    this.facesOut = metrics.counter("worker_faces_total", "Face observations produced");
    this.decodeLatency = metrics.histogram("stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", "decode"));
    this.analyzeLatency = metrics.histogram("stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", "detect_align_embed_batch"));
    this.frameLatency = metrics.histogram("stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", "capture_to_observation"));
  }

  @Override
  public void run() {
    started = true;
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerSettings(), new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(), new ByteArraySerializer(), new ByteArraySerializer())) {
      consumer = c;
      producer.initTransactions();
      c.subscribe(List.of(Topics.FRAMES));
      ready.countDown();
      LOG.info("worker {} consuming {} with pack {}", config.instanceId(), Topics.FRAMES, analyzer.pack().id());
      while (running.get()) {
        ConsumerRecords<String, byte[]> records;
        try {
          records = c.poll(config.pollTimeout());
        } catch (WakeupException e) {
          break;
        }
        if (records.isEmpty()) {
          continue;
        }
        processInTransaction(c, producer, records);
      }
    } catch (ProducerFencedException e) {
      LOG.error("worker {} was fenced by a newer instance with the same id; stopping", config.instanceId());
    } catch (AuthenticationException | AuthorizationException e) {
      // credentials or ACLs: retrying cannot help, and a worker that is silently gone stalls its partitions
      failure = e;
      LOG.error("worker {} stopped: Kafka refused it: {}: {}", config.instanceId(), e.getClass().getSimpleName(), e.getMessage());
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
      throw new IllegalStateException("worker " + config.instanceId() + " stopped: " + f.getClass().getSimpleName() + ": " + f.getMessage(), f);
    }
    return done && stopped.getCount() > 0;
  }

  private void processInTransaction(KafkaConsumer<String, byte[]> c, KafkaProducer<byte[], byte[]> producer, ConsumerRecords<String, byte[]> records) {
    producer.beginTransaction();
    try {
      List<DecodedFrame> decoded = new ArrayList<>();
      try {
        for (ConsumerRecord<String, byte[]> r : records) {
          framesIn.increment();
          DecodedFrame d = decode(r, producer);
          if (d != null) {
            decoded.add(d);
          }
        }
        analyzeAndProduce(decoded, producer);
      } finally {
        decoded.forEach(d -> d.image.release());
      }
      producer.sendOffsetsToTransaction(nextOffsets(records), c.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      throw e; // fatal for this producer: the caller stops the worker
    } catch (KafkaException e) {
      LOG.warn("worker {}: transaction aborted, frames will be re-read: {}", config.instanceId(), e.toString());
      producer.abortTransaction();
      rewind(c, records);
    }
  }

  /** Deserialises, checks and decodes one frame; dead-letters it and returns null when it is bad data. */
  private DecodedFrame decode(ConsumerRecord<String, byte[]> r, KafkaProducer<byte[], byte[]> producer) {
    byte[] value = r.value();
    if (value == null) {
      deadLetter(producer, r, DeadLetters.Reason.NULL_FRAME, "expected a frame, found a null value");
      return null;
    }
    if (value.length > config.maxFrameBytes() + 4096) {
      // checked before deserializing so an oversized record is never copied again
      deadLetter(producer, r, DeadLetters.Reason.FRAME_TOO_LARGE, "expected a JPEG of at most " + config.maxFrameBytes() + " bytes, found a record of " + value.length + " bytes");
      return null;
    }
    Frame frame;
    try {
      frame = frameSerde.deserialize(r.topic(), value);
    } catch (SerializationException e) {
      deadLetter(producer, r, DeadLetters.Reason.DESERIALIZATION_FAILED, e.getMessage());
      return null;
    }
    if (frame.jpegLength() > config.maxFrameBytes()) {
      deadLetter(producer, r, DeadLetters.Reason.FRAME_TOO_LARGE, "expected a JPEG of at most " + config.maxFrameBytes() + " bytes, found " + frame.jpegLength());
      return null;
    }
    long t0 = System.nanoTime();
    byte[] jpeg = frame.jpeg();
    try {
      // the header is read before decoding, so a decompression bomb never allocates its pixels
      FrameDecoder.ImageSize declared = FrameDecoder.declaredSize(jpeg);
      if (declared.pixels() > decoder.maxPixels()) {
        deadLetter(producer, r, DeadLetters.Reason.IMAGE_TOO_LARGE, "expected at most " + decoder.maxPixels() + " pixels, found "
            + declared.width() + "x" + declared.height() + " declared in the JPEG header");
        return null;
      }
      Mat image = decoder.decode(jpeg);
      decodeLatency.recordMicros((System.nanoTime() - t0) / 1000.0);
      return new DecodedFrame(frame, image, r);
    } catch (UndecodableFrameException e) {
      deadLetter(producer, r, DeadLetters.Reason.CORRUPT_IMAGE, e.getMessage());
      return null;
    }
  }

  private void analyzeAndProduce(List<DecodedFrame> frames, KafkaProducer<byte[], byte[]> producer) {
    if (frames.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    List<List<AnalyzedFace>> faces;
    try {
      faces = analyzer.analyze(frames.stream().map(DecodedFrame::image).toList());
    } catch (RuntimeException batchFailure) {
      // one frame the models cannot process must not block the partition: retry frame by frame and
      // dead-letter only the frames that fail on their own
      LOG.warn("worker {}: batch of {} frames failed ({}); analysing frame by frame", config.instanceId(), frames.size(), batchFailure.toString());
      faces = new ArrayList<>();
      for (DecodedFrame f : frames) {
        try {
          faces.add(analyzer.analyze(f.image()));
        } catch (RuntimeException e) {
          deadLetter(producer, f.source(), DeadLetters.Reason.ANALYSIS_FAILED, e.getMessage());
          faces.add(List.of());
        }
      }
    }
    analyzeLatency.recordMicros((System.nanoTime() - t0) / 1000.0);
    Instant now = Instant.now();
    for (int i = 0; i < frames.size(); i++) {
      Frame frame = frames.get(i).frame();
      List<FaceObservation> observations;
      try {
        observations = FaceObservations.of(frame, faces.get(i), now, analyzer.pack().id(), config,
            (reason, face) -> metrics.counter("worker_faces_dropped_total", "Faces dropped for quality", MetricsRegistry.label("reason", reason)).increment());
      } catch (IllegalArgumentException e) {
        // The models produced something no observation may carry (a NaN embedding or landmark): without this
        // the exception would escape the loop and stop the worker with the transaction open. The whole frame
        // goes, so the observation ids of the frame's other faces never depend on which face was bad.
        NonFiniteValueException nonFinite = NonFiniteValueException.in(e);
        DeadLetters.Reason reason = nonFinite != null && nonFinite.field().equals("embedding") ? DeadLetters.Reason.EMBEDDING_NOT_FINITE : DeadLetters.Reason.ANALYSIS_FAILED;
        deadLetter(producer, frames.get(i).source(), reason, e.getMessage());
        continue;
      }
      for (FaceObservation obs : observations) {
        producer.send(new ProducerRecord<>(Topics.FACES, frame.cameraId().getBytes(StandardCharsets.UTF_8),
            faceSerde.serialize(Topics.FACES, obs)));
        facesOut.increment();
      }
      frameLatency.recordMillis(Duration.between(frame.capturedAt(), now).toNanos() / 1e6);
    }
  }

  private void deadLetter(KafkaProducer<byte[], byte[]> producer, ConsumerRecord<String, byte[]> r, DeadLetters.Reason reason, String detail) {
    metrics.counter("deadletter_total", "Records sent to the dead-letter topic", MetricsRegistry.label("reason", reason.code())).increment();
    LOG.warn("worker {}: dead-lettering {}-{}@{}: {}: {}", config.instanceId(), r.topic(), r.partition(), r.offset(), reason, detail);
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

  private static void rewind(KafkaConsumer<?, ?> c, ConsumerRecords<?, ?> records) {
    for (TopicPartition tp : records.partitions()) {
      c.seek(tp, records.records(tp).get(0).offset());
    }
  }

  private Map<String, Object> consumerSettings() {
    Map<String, Object> m = new HashMap<>(kafkaSettings);
    m.put(ConsumerConfig.GROUP_ID_CONFIG, WorkerConfig.GROUP_ID);
    m.put(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-consumer");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    m.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatchFrames());
    // a batch of frames can take seconds on a small CPU; leave room before the group evicts us
    m.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
    m.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    return m;
  }

  private Map<String, Object> producerSettings() {
    Map<String, Object> m = new HashMap<>(kafkaSettings);
    m.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
    m.put(ProducerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-producer");
    m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    m.put(ProducerConfig.ACKS_CONFIG, "all");
    m.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    m.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    return m;
  }

  /** Stops the loop and waits for the current transaction to finish. */
  @Override
  public void close() {
    running.set(false);
    KafkaConsumer<?, ?> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      if (started) {
        stopped.await(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record DecodedFrame(Frame frame, Mat image, ConsumerRecord<String, byte[]> source) {}
}
