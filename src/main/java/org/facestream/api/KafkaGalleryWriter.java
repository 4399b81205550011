package org.facestream.api;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Serdes;
import org.facestream.events.Topics;

/**
 * {@link GalleryWriter} on one long-lived idempotent producer with {@code acks=all} (the settings of
 * {@code Enroller.publish}, kept open because the API writes often). Thread-safe (the producer is).
 */
public final class KafkaGalleryWriter implements GalleryWriter, AutoCloseable {
  private final KafkaProducer<String, GalleryRecord> producer;

  public KafkaGalleryWriter(Map<String, Object> kafkaSettings) {
    Map<String, Object> p = new HashMap<>(kafkaSettings);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "facestream-api-gallery-writer");
    producer = new KafkaProducer<>(p, new StringSerializer(), Serdes.gallery().serializer());
  }

  @Override
  public Written write(String subjectId, GalleryRecord record) {
    try {
      RecordMetadata m = producer.send(new ProducerRecord<>(Topics.GALLERY, subjectId, record)).get(30, TimeUnit.SECONDS);
      return new Written(m.partition(), m.offset());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the gallery", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write to " + Topics.GALLERY + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
