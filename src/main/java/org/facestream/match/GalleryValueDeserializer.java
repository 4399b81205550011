package org.facestream.match;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.facestream.events.GalleryRecord;
import org.facestream.events.JsonSerde;
import org.facestream.events.Serdes;

/** Reads gallery values without ever throwing: see {@link GalleryValue}. Stateless and thread-safe. */
final class GalleryValueDeserializer implements Deserializer<GalleryValue> {
  private final JsonSerde<GalleryRecord> strict = Serdes.gallery();

  @Override
  public GalleryValue deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return new GalleryValue.Readable(strict.deserialize(topic, data));
    } catch (SerializationException e) {
      return new GalleryValue.Unreadable(e.getMessage(), data.length);
    }
  }
}
