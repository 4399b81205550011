package org.facestream.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link IdentityEvent} as a CloudEvents 1.0 structured-mode JSON document: the envelope ({@code id},
 * {@code source}, {@code type}, {@code subject}, {@code time}) plus the event itself under {@code data}.
 * Serializing with headers (as every Kafka producer, Kafka Streams included, does) follows the CloudEvents
 * Kafka protocol binding for structured mode: the record's {@code content-type} header is set to the event
 * format's media type, {@value #CONTENT_TYPE}, replacing any it carried (Kafka Streams copies the input
 * record's headers to its output), so CloudEvents SDKs recognise the records.
 */
public final class IdentityEventSerde
        implements Serde<IdentityEvent>, Serializer<IdentityEvent>, Deserializer<IdentityEvent> {
    public static final String SOURCE = "/facestream/matcher";
    /** The Kafka header naming a record's media type in the CloudEvents Kafka protocol binding. */
    public static final String CONTENT_TYPE_HEADER = "content-type";
    /** The structured-mode media type of the CloudEvents JSON event format. */
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private static final byte[] CONTENT_TYPE_BYTES = CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    /** The CloudEvents document for an event, as a JSON tree. */
    public static ObjectNode toCloudEvent(IdentityEvent e) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("specversion", "1.0");
        root.put("id", e.id());
        root.put("source", SOURCE + "/" + e.cameraId());
        root.put("type", IdentityEvent.TYPE);
        root.put("subject", e.subjectOrUnknown());
        root.put("time", e.capturedAt().toString());
        root.put("datacontenttype", "application/json");
        root.set("data", Json.MAPPER.valueToTree(e));
        return root;
    }

    @Override
    public byte[] serialize(String topic, IdentityEvent e) {
        if (e == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(toCloudEvent(e));
        } catch (IOException ex) {
            throw new SerializationException("cannot write identity event " + e.id(), ex);
        }
    }

    @Override
    public byte[] serialize(String topic, Headers headers, IdentityEvent e) {
        byte[] bytes = serialize(topic, e);
        if (bytes != null && headers != null) {
            headers.remove(CONTENT_TYPE_HEADER);
            headers.add(CONTENT_TYPE_HEADER, CONTENT_TYPE_BYTES);
        }
        return bytes;
    }

    @Override
    public IdentityEvent deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(bytes);
            if (root == null
                    || !"1.0".equals(root.path("specversion").asText())
                    || !IdentityEvent.TYPE.equals(root.path("type").asText())) {
                throw new SerializationException(
                        "expected a CloudEvents 1.0 " + IdentityEvent.TYPE + " document on " + topic);
            }
            JsonNode data = root.get("data");
            if (data == null || !data.isObject()) {
                // null is reserved for tombstones: an envelope without an event is bad bytes, not "no value"
                throw new SerializationException("expected the identity event as a JSON object under data on " + topic
                        + ", found "
                        + (data == null ? "none" : data.getNodeType().toString().toLowerCase(Locale.ROOT)));
            }
            return Json.MAPPER.treeToValue(data, IdentityEvent.class);
        } catch (IOException | IllegalArgumentException ex) {
            throw new SerializationException(
                    "expected an identity event on " + topic + ": " + JsonSerde.rootMessage(ex), ex);
        }
    }

    @Override
    public Serializer<IdentityEvent> serializer() {
        return this;
    }

    @Override
    public Deserializer<IdentityEvent> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
}
