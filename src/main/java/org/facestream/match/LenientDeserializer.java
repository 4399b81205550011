package org.facestream.match;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.facestream.events.JsonSerde;

/** Reads values without ever throwing: see {@link LenientValue}. Stateless and thread-safe. */
final class LenientDeserializer<T> implements Deserializer<LenientValue<T>> {
    private final JsonSerde<T> strict;

    LenientDeserializer(JsonSerde<T> strict) {
        this.strict = strict;
    }

    @Override
    public LenientValue<T> deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return new LenientValue.Readable<>(strict.deserialize(topic, data));
        } catch (SerializationException e) {
            return new LenientValue.Unreadable<>(e.getMessage(), data.length);
        }
    }
}
