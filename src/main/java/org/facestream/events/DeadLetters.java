package org.facestream.events;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds records for {@link Topics#DEADLETTER}: the original key and value bytes, untouched, with where
 * they came from and why they were refused in headers. The reason is a short machine-readable code
 * (used as a metric label); the detail is a human-readable sentence.
 */
public final class DeadLetters {
  public static final String HEADER_REASON = "facestream.reason";
  public static final String HEADER_DETAIL = "facestream.detail";
  public static final String HEADER_TOPIC = "facestream.source.topic";
  public static final String HEADER_PARTITION = "facestream.source.partition";
  public static final String HEADER_OFFSET = "facestream.source.offset";
  public static final String HEADER_STAGE = "facestream.stage";

  private DeadLetters() {}

  /** A dead-letter record for {@code value} read from {@code topic/partition@offset}. */
  public static ProducerRecord<byte[], byte[]> record(
      String stage, String reason, String detail, String topic, int partition, long offset, byte[] key, byte[] value) {
    Headers headers = new RecordHeaders();
    headers.add(HEADER_STAGE, utf8(stage));
    headers.add(HEADER_REASON, utf8(reason));
    headers.add(HEADER_DETAIL, utf8(detail == null ? "" : truncate(detail, 1000)));
    headers.add(HEADER_TOPIC, utf8(topic));
    headers.add(HEADER_PARTITION, utf8(Integer.toString(partition)));
    headers.add(HEADER_OFFSET, utf8(Long.toString(offset)));
    return new ProducerRecord<>(Topics.DEADLETTER, null, key, value, headers);
  }

  /** The value of header {@code name}, or null. */
  public static String header(Headers headers, String name) {
    var h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
