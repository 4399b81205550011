package org.facestream.enroll;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.JsonSerde;
import org.facestream.events.Topics;
import org.facestream.kafka.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GalleryCommands} over Kafka: commands go to {@code facestream.gallery-commands.v1} (keyed by subject id,
 * idempotent producer, {@code acks=all}: once a send is acknowledged the command is queued for the gallery
 * processor), and one {@link TopicTail} thread reads {@code facestream.gallery-outcomes.v1} from its end,
 * read_committed, handing each outcome to the request waiting for its id. The reader is positioned before
 * {@link #start} returns, so no outcome of a command submitted afterwards is missed. One per process (the API
 * shares it between requests); thread-safe.
 */
public final class KafkaGalleryCommands implements GalleryCommands, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGalleryCommands.class);
    private static final long DELIVERY_TIMEOUT_MS = 30_000;

    private final KafkaProducer<String, byte[]> producer;
    private final TopicTail outcomes;
    private final JsonSerde<GalleryCommand> commandSerde = EventSerdes.galleryCommands();
    private final JsonSerde<GalleryOutcome> outcomeSerde = EventSerdes.galleryOutcomes();
    private final Map<String, CompletableFuture<GalleryOutcome>> waiting = new ConcurrentHashMap<>();

    private KafkaGalleryCommands(Map<String, Object> kafkaSettings, String clientId) {
        Map<String, Object> p = new HashMap<>(kafkaSettings);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-commands");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT_MS);
        p.keySet().retainAll(ProducerConfig.configNames());
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        outcomes = TopicTail.of(kafkaSettings, clientId + "-outcomes", Topics.GALLERY_OUTCOMES, TopicTail.Start.END);
    }

    /**
     * Opens the producer and starts reading outcomes, named {@code clientId}; returns once the reader is positioned.
     *
     * @throws IllegalStateException when the reader is not positioned within {@code timeout}
     */
    public static KafkaGalleryCommands start(Map<String, Object> kafkaSettings, String clientId, Duration timeout)
            throws InterruptedException {
        KafkaGalleryCommands c = new KafkaGalleryCommands(kafkaSettings, clientId);
        c.outcomes.start(clientId + "-outcomes", batch -> batch.records().forEach(c::accept));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.outcomes.positioned()) {
            if (System.nanoTime() > deadline) {
                c.close();
                throw new IllegalStateException(
                        "cannot read " + Topics.GALLERY_OUTCOMES + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
        return c;
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        GalleryOutcome o;
        try {
            o = outcomeSerde.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            LOG.warn(
                    "gallery outcome at {}-{}@{} does not read: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
            return;
        }
        if (o == null) {
            return;
        }
        CompletableFuture<GalleryOutcome> f = waiting.get(o.requestId());
        if (f != null) {
            f.complete(o);
        }
    }

    @Override
    public GalleryOutcome apply(GalleryCommand command, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<GalleryOutcome> outcome = new CompletableFuture<>();
        waiting.put(command.requestId(), outcome);
        try {
            try {
                producer.send(new ProducerRecord<>(
                                Topics.GALLERY_COMMANDS,
                                command.subjectId(),
                                commandSerde.serialize(Topics.GALLERY_COMMANDS, command)))
                        .get(DELIVERY_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | KafkaException | IllegalStateException e) {
                // IllegalStateException: a closed producer
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new GalleryCommandException(
                        GalleryCommandException.Kind.UNAVAILABLE,
                        "cannot submit " + command.action() + " of " + command.subjectId() + " to "
                                + Topics.GALLERY_COMMANDS + ": " + cause + "; nothing was queued",
                        cause);
            }
            try {
                return outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new GalleryCommandException(
                        GalleryCommandException.Kind.TIMED_OUT,
                        "no outcome of " + command.action() + " " + command.requestId() + " of " + command.subjectId()
                                + " within " + timeout.toSeconds() + " s: is the gallery processor running ("
                                + "facestream gallery, application id " + GalleryService.APPLICATION_ID + ")?",
                        e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("outcome of " + command.requestId() + " failed", e.getCause());
            }
        } finally {
            waiting.remove(command.requestId());
        }
    }

    @Override
    public void close() {
        outcomes.close();
        producer.close(Duration.ofSeconds(5));
    }
}
