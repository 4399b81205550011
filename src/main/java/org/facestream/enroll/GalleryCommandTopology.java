package org.facestream.enroll;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditKeyring;
import org.facestream.events.AuditRecord;
import org.facestream.events.DeadLetters;
import org.facestream.events.ErasureRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.JsonSerde;
import org.facestream.events.Topics;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gallery processor (application id {@code facestream-gallery}): the one writer of the gallery. Every change
 * of a subject, from whichever process (API instances, the CLI, the demo), arrives as a {@link GalleryCommand} on
 * {@code facestream.gallery-commands.v1}, keyed by subject, so one task applies all of one subject's commands, one
 * at a time, in the order they landed, against the subject's current entry, which that task alone owns. Its described
 * form is checked in as {@code topologies/gallery.txt}.
 *
 * <pre>
 * facestream.gallery-commands.v1 -> gallery-commands-source -> apply-gallery-command -> subject-keys-sink -> facestream.subject-keys.v1
 *          [gallery-by-subject] [destroyed-keys] [audit-chain-by-writer]         \-> gallery-sink      -> facestream.gallery.v1
 *                                                                               \-> erasures-sink     -> facestream.erasures.v1
 *                                                                               \-> audit-sink        -> facestream.audit.v1
 *                                                                               \-> audit-heads-sink  -> facestream.audit-heads.v1
 *                                                                               \-> outcomes-sink     -> facestream.gallery-outcomes.v1
 *                                                                               \-> deadletter-sink   -> facestream.deadletter.v1
 * </pre>
 *
 * <ul>
 *   <li>The decision is {@link GalleryChanges} (merge and sub-centre clustering, key creation, sealing); this
 *       processor reads the entry from {@value #GALLERY_BY_SUBJECT} and writes what the decision says. The photos'
 *       templates were computed by the entry point: no model runs here.
 *   <li>With {@code processing.guarantee=exactly_once_v2} the key record, the sealed record (or both tombstones and
 *       the erasure record), the audit record, the outcome, the store changes and the command's offset commit
 *       together. An outcome an entry point reads is a change that is durable, and a change is never applied twice
 *       (a restarted task resumes after the last committed command, its stores restored to match).
 *   <li>{@value #GALLERY_BY_SUBJECT} holds each subject's wrapped key and sealed record, as the two topics do
 *       (nothing in the clear), in memory and changelogged; its changelog is cleaned like {@code
 *       facestream.subject-keys.v1} ({@link #ENTRY_CHANGELOG}), since it holds the same wrapped keys.
 *   <li>{@value #DESTROYED_KEYS} remembers every key id an erasure of this task's subjects destroyed: an entry that
 *       names one (a replay into the changelog) is never reused.
 *   <li>Every change is an audit record on this task's own hash chain, whose head is {@value
 *       #AUDIT_CHAIN_BY_WRITER} (as the threshold aggregator's): it commits with the record, so a restarted or moved
 *       task continues the chain without a gap or a fork; an empty store (a new or reset application) starts a new
 *       chain with a random id. The record's actor is the requester the command names.
 *   <li>Every {@link Spec#rollEvery()} (wall clock) each task writes a tombstone of {@link Topics#SEGMENT_ROLL_KEY}
 *       to {@code facestream.subject-keys.v1} and to its entry changelog: Kafka rolls a segment, and can only then
 *       compact away a destroyed key, when something is appended.
 *   <li>A command that does not read is dead-lettered (it has no request id to answer); a readable one is always
 *       answered, also when it is refused.
 * </ul>
 *
 * <p>The builder is pure: it starts nothing and reads no configuration beyond its {@link Spec}.
 */
public final class GalleryCommandTopology {
    public static final String COMMANDS_SOURCE = "gallery-commands-source";
    public static final String APPLY = "apply-gallery-command";
    public static final String GALLERY_BY_SUBJECT = "gallery-by-subject";
    public static final String DESTROYED_KEYS = "destroyed-keys";
    public static final String AUDIT_CHAIN_BY_WRITER = "audit-chain-by-writer";
    public static final String SUBJECT_KEYS_SINK = "subject-keys-sink";
    public static final String GALLERY_SINK = "gallery-sink";
    public static final String ERASURES_SINK = "erasures-sink";
    public static final String AUDIT_SINK = "audit-sink";
    public static final String AUDIT_HEADS_SINK = "audit-heads-sink";
    public static final String OUTCOMES_SINK = "outcomes-sink";
    public static final String DEADLETTER_SINK = "deadletter-sink";
    /** How often each task appends a segment-roll tombstone (wall clock). */
    public static final Duration ROLL_EVERY = Duration.ofMinutes(10);
    /** Who starts the processor's audit chains, as their genesis records name it. */
    public static final String AUDIT_ACTOR = AuditEntry.service("facestream-gallery");
    /** The dead-letter stage of unreadable commands. */
    public static final String STAGE = "gallery";
    /**
     * The topic configs of {@value #GALLERY_BY_SUBJECT}'s changelog: those of {@code facestream.subject-keys.v1}
     * (segments roll after an hour, a dirty key is compacted within the hour whatever the dirty ratio, tombstones
     * kept a day), since it holds the same wrapped keys.
     */
    public static final Map<String, String> ENTRY_CHANGELOG = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.SEGMENT_MS_CONFIG, "3600000",
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, "3600000",
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01",
            TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000");

    private static final String AUDIT_WRITER = "gallery";
    private static final Logger LOG = LoggerFactory.getLogger(GalleryCommandTopology.class);

    private GalleryCommandTopology() {}

    /**
     * What the processor is built from.
     *
     * @param keys the master keys: unwrap the photos' one-time keys and the subjects' data keys, wrap new data keys
     * @param metrics where it counts
     * @param clock the processor's time: expiry of enrollments, {@code erasedAt}, audit times
     * @param rollEvery how often each task appends a segment-roll tombstone ({@link #ROLL_EVERY})
     * @param auditKeys the audit key the processor's audit records and their chain checkpoints are sealed under
     */
    public record Spec(
            MasterKeys keys, GalleryMetrics metrics, Clock clock, Duration rollEvery, AuditKeyring auditKeys) {
        public Spec {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(auditKeys, "auditKeys");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(clock, "clock");
            if (rollEvery == null || rollEvery.isNegative() || rollEvery.isZero()) {
                throw new IllegalArgumentException("expected a positive roll interval, found " + rollEvery);
            }
        }

        /** Counting into a registry of its own, on the system clock, rolling every {@link #ROLL_EVERY}. */
        public static Spec of(MasterKeys keys, AuditKeyring auditKeys) {
            return new Spec(keys, new GalleryMetrics(new MetricsRegistry()), Clock.systemUTC(), ROLL_EVERY, auditKeys);
        }
    }

    static JsonSerde<AuditChain> chainSerde() {
        return new JsonSerde<>(AuditChain.class);
    }

    /** The gallery processor of {@code spec}. */
    public static Topology build(Spec spec) {
        Objects.requireNonNull(spec, "spec");
        GalleryChanges changes = new GalleryChanges(spec.keys());
        Topology topology = new Topology();
        topology.addSource(
                COMMANDS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.GALLERY_COMMANDS);
        topology.addProcessor(APPLY, () -> new ApplyCommand(changes, spec), COMMANDS_SOURCE);
        // in memory: no key, even wrapped, on this process's disk; restored from the changelog at every start
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(GALLERY_BY_SUBJECT), Serdes.String(), SubjectEntry.serde())
                        .withLoggingEnabled(ENTRY_CHANGELOG),
                APPLY);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(DESTROYED_KEYS), Serdes.String(), EventSerdes.erasures()),
                APPLY);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(AUDIT_CHAIN_BY_WRITER), Serdes.String(), chainSerde()),
                APPLY);
        topology.addSink(
                SUBJECT_KEYS_SINK, Topics.SUBJECT_KEYS, new StringSerializer(), EventSerdes.subjectKeys(), APPLY);
        topology.addSink(GALLERY_SINK, Topics.GALLERY, new StringSerializer(), EventSerdes.gallery(), APPLY);
        topology.addSink(ERASURES_SINK, Topics.ERASURES, new StringSerializer(), EventSerdes.erasures(), APPLY);
        topology.addSink(AUDIT_SINK, Topics.AUDIT, new StringSerializer(), EventSerdes.audit(), APPLY);
        topology.addSink(AUDIT_HEADS_SINK, Topics.AUDIT_HEADS, new StringSerializer(), EventSerdes.auditHeads(), APPLY);
        topology.addSink(
                OUTCOMES_SINK, Topics.GALLERY_OUTCOMES, new StringSerializer(), EventSerdes.galleryOutcomes(), APPLY);
        topology.addSink(
                DEADLETTER_SINK, Topics.DEADLETTER, new ByteArraySerializer(), new ByteArraySerializer(), APPLY);
        return topology;
    }

    /** The {@value #APPLY} processor: a thin shell around {@link GalleryChanges}. */
    static final class ApplyCommand implements Processor<byte[], byte[], Object, Object> {
        private final GalleryChanges changes;
        private final Spec spec;
        private final JsonSerde<GalleryCommand> commands = EventSerdes.galleryCommands();
        private ProcessorContext<Object, Object> context;
        private KeyValueStore<String, SubjectEntry> bySubject;
        private KeyValueStore<String, ErasureRecord> destroyed;
        private KeyValueStore<String, AuditChain> chains;

        ApplyCommand(GalleryChanges changes, Spec spec) {
            this.changes = changes;
            this.spec = spec;
        }

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            bySubject = context.getStateStore(GALLERY_BY_SUBJECT);
            destroyed = context.getStateStore(DESTROYED_KEYS);
            chains = context.getStateStore(AUDIT_CHAIN_BY_WRITER);
            context.schedule(spec.rollEvery(), PunctuationType.WALL_CLOCK_TIME, this::roll);
        }

        /** Appends to the key topic and the entry changelog, so that their segments roll (and can be compacted). */
        private void roll(long wallClockMs) {
            context.forward(new Record<>(Topics.SEGMENT_ROLL_KEY, null, wallClockMs), SUBJECT_KEYS_SINK);
            bySubject.delete(Topics.SEGMENT_ROLL_KEY);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata m = context.recordMetadata().orElse(null);
            String where =
                    m == null ? Topics.GALLERY_COMMANDS + "-?@?" : m.topic() + "-" + m.partition() + "@" + m.offset();
            GalleryCommand command;
            try {
                command = commands.deserialize(Topics.GALLERY_COMMANDS, record.value());
            } catch (SerializationException e) {
                deadLetter(record, m, DeadLetters.Reason.DESERIALIZATION_FAILED, e.getMessage());
                return;
            }
            if (command == null) {
                deadLetter(record, m, DeadLetters.Reason.DESERIALIZATION_FAILED, "a command without a value");
                return;
            }
            Instant now = spec.clock().instant();
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (!command.subjectId().equals(key)) {
                // on another subject's partition it would not be ordered with that subject's commands
                answer(GalleryOutcome.unapplied(
                        command,
                        GalleryOutcome.REFUSED,
                        "expected a command keyed by its subject id " + command.subjectId() + ", found key " + key,
                        now,
                        where));
                return;
            }
            String subject = command.subjectId();
            GalleryChanges.Change change;
            try {
                SubjectEntry current = bySubject.get(subject);
                if (command.enrolls()
                        && current != null
                        && destroyed.get(current.key().keyId()) != null) {
                    spec.metrics().destroyedKeyRefused();
                }
                change = changes.apply(command, where, current, id -> destroyed.get(id) != null, now);
            } catch (RuntimeException e) {
                // a bug: answered, so the entry point does not wait, and not retried for ever
                LOG.error("gallery command {} at {} failed", command, where, e);
                answer(GalleryOutcome.unapplied(
                        command, GalleryOutcome.REFUSED, "the gallery processor failed: " + e, now, where));
                return;
            }
            long ts = now.toEpochMilli();
            switch (change) {
                case GalleryChanges.Enrolled e -> {
                    if (e.newKey() != null) {
                        context.forward(new Record<>(subject, e.newKey(), ts), SUBJECT_KEYS_SINK);
                    }
                    context.forward(new Record<>(subject, e.entry().record(), ts), GALLERY_SINK);
                    bySubject.put(subject, e.entry());
                    answer(e.outcome().withAudit(audit(e.audit(), m, ts)));
                }
                case GalleryChanges.Erased e -> {
                    context.forward(new Record<>(subject, null, ts), SUBJECT_KEYS_SINK);
                    context.forward(new Record<>(subject, null, ts), GALLERY_SINK);
                    context.forward(new Record<>(subject, e.erasure(), ts), ERASURES_SINK);
                    bySubject.delete(subject);
                    if (e.erasure().keyId() != null) {
                        destroyed.put(e.erasure().keyId(), e.erasure());
                    }
                    answer(e.outcome().withAudit(audit(e.audit(), m, ts)));
                }
                case GalleryChanges.Unapplied u -> answer(u.outcome());
            }
        }

        private void answer(GalleryOutcome outcome) {
            spec.metrics().applied(outcome);
            context.forward(
                    new Record<>(
                            outcome.subjectId(), outcome, outcome.appliedAt().toEpochMilli()),
                    OUTCOMES_SINK);
        }

        /** Chains {@code entry} on this task's audit chain (after a genesis record when it has none), forwards it. */
        private AuditRecord audit(AuditEntry entry, RecordMetadata m, long ts) {
            int partition = m == null ? context.taskId().partition() : m.partition();
            String key = AUDIT_WRITER + "/" + partition;
            AuditChain chain = chains.get(key);
            if (chain == null) {
                // random, so that a reset application never continues (and forks) the chain of its earlier life
                chain = AuditChain.start(AUDIT_WRITER + "-" + partition + "-"
                        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
                TreeMap<String, String> d = new TreeMap<>(Map.of(
                        "writer",
                        AUDIT_WRITER,
                        "application",
                        GalleryService.APPLICATION_ID,
                        "partition",
                        Integer.toString(partition)));
                AuditRecord genesis = chain.seal(
                        new AuditEntry(entry.at(), AUDIT_ACTOR, AuditRecord.CHAIN_STARTED, null, d), spec.auditKeys());
                context.forward(new Record<>(genesis.chainId(), genesis, ts), AUDIT_SINK);
                chain = chain.after(genesis);
            }
            AuditRecord sealed = chain.seal(entry, spec.auditKeys());
            chains.put(key, chain.after(sealed));
            context.forward(new Record<>(sealed.chainId(), sealed, ts), AUDIT_SINK);
            // the chain's new head, committed with the record: a later cut of the chain's tail shows
            context.forward(
                    new Record<>(sealed.chainId(), AuditHead.of(sealed, spec.auditKeys()), ts), AUDIT_HEADS_SINK);
            return sealed;
        }

        private void deadLetter(
                Record<byte[], byte[]> record, RecordMetadata m, DeadLetters.Reason reason, String detail) {
            spec.metrics().deadLetter(reason);
            String topic = m == null ? Topics.GALLERY_COMMANDS : m.topic();
            int partition = m == null ? -1 : m.partition();
            long offset = m == null ? -1 : m.offset();
            Headers headers = DeadLetters.record(
                            STAGE, reason, detail, topic, partition, offset, record.key(), record.value())
                    .headers();
            LOG.warn("dead-lettering gallery command {}-{}@{}: {}: {}", topic, partition, offset, reason, detail);
            context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), DEADLETTER_SINK);
        }
    }
}
