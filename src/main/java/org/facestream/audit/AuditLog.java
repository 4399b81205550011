package org.facestream.audit;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditKeyring;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.JsonSerde;
import org.facestream.events.Topics;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer's audit chain on {@link Topics#AUDIT}, for plain-client processes (API, enroll, erase, and each
 * role's configuration at start). Each instance starts a new chain (id
 * {@code <writer>-<host>-<UTC start>-<random>}) whose genesis record names the writer, host and process, and
 * closes it with {@code chain-closed}. A new chain per instance means no two processes ever append to one
 * chain, so chains cannot fork, and a restart needs no read-back of the topic.
 *
 * <p>Every record is sealed under the audit key ({@link AuditKeyring}: HMAC-SHA256, so no writer without the key
 * can forge or extend a chain) and its chain's new head is checkpointed on {@link Topics#AUDIT_HEADS}
 * ({@link AuditHead}) in the same transaction, so a chain later cut at its tail shows. Every append is one Kafka
 * transaction on a producer whose transactional id is the chain id (idempotent, {@code acks=all}). {@link #appendWith} puts other records in the same transaction, e.g. a subject's data key
 * and its sealed gallery record, or an erasure's two tombstones, so the change and its audit record are written
 * together or not at all. The chain head only
 * moves once the transaction committed: an aborted record is invisible to read_committed readers, so the
 * next append reuses its sequence number. When the outcome of a commit is unknown (a timeout) or the producer
 * fails fatally, the chain is abandoned as it stands and the next append starts a new chain whose genesis
 * names the abandoned one ({@code previous.chain}, {@code previous.sequence}); it never appends to it again.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final long WRITE_TIMEOUT_MS = 30_000;

    private final Map<String, Object> kafkaSettings;
    private final String writer;
    private final AuditKeyring keys;
    private final MetricsRegistry metrics;
    private final JsonSerde<AuditRecord> serde = EventSerdes.audit();
    private final JsonSerde<AuditHead> heads = EventSerdes.auditHeads();
    private KafkaProducer<byte[], byte[]> producer;
    private AuditChain chain;
    private AuditChain abandoned;
    private String abandonedWhy;
    private boolean closed;

    /** Thrown when an audit record (and whatever shared its transaction) was not written. */
    public static final class AuditWriteException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public AuditWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private AuditLog(Map<String, Object> kafkaSettings, String writer, AuditKeyring keys, MetricsRegistry metrics) {
        this.kafkaSettings = Map.copyOf(kafkaSettings);
        this.writer = writer;
        this.keys = Objects.requireNonNull(keys, "keys");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        // at zero from the start: the alert on increase() of the failures must see the first one
        writeFailures();
        AuditRecord.ACTIONS.forEach(this::written);
    }

    private LongAdder writeFailures() {
        return metrics.counter(
                "audit_write_failures_total", "Audit transactions that did not commit (nothing of them was written)");
    }

    private LongAdder written(String action) {
        return metrics.counter(
                "audit_records_total",
                "Audit records written by this process's chains",
                MetricsRegistry.label("action", action));
    }

    /**
     * Opens a new chain for {@code writer} (a role: {@code api}, {@code enroll}, {@code worker}, ...), sealed under
     * {@code keys}, and writes its genesis record.
     *
     * @throws IllegalStateException when the audit topics do not exist (they must be created with their settings,
     *     append-only and compacted, never auto-created)
     * @throws AuditWriteException when the genesis record cannot be written
     */
    public static AuditLog open(
            Map<String, Object> kafkaSettings, String writer, AuditKeyring keys, MetricsRegistry metrics) {
        Objects.requireNonNull(writer, "writer");
        requireTopic(kafkaSettings);
        AuditLog log = new AuditLog(kafkaSettings, writer, keys, metrics);
        synchronized (log) {
            log.startChain();
        }
        return log;
    }

    private static void requireTopic(Map<String, Object> kafkaSettings) {
        Map<String, Object> a = new HashMap<>(kafkaSettings);
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        a.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin admin = Admin.create(a)) {
            admin.describeTopics(List.of(Topics.AUDIT, Topics.AUDIT_HEADS))
                    .allTopicNames()
                    .get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("expected topics " + Topics.AUDIT + " and " + Topics.AUDIT_HEADS
                        + " (the append-only audit log and its chains' checkpoints), found them missing on "
                        + kafkaSettings.get("bootstrap.servers")
                        + "; create the catalogue's topics (ops/create-topics.sh)");
            }
            throw new IllegalStateException(
                    "cannot describe " + Topics.AUDIT + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + Topics.AUDIT, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe " + Topics.AUDIT + " within 20 s", e);
        }
    }

    /** The current chain's id. */
    public synchronized String chainId() {
        return chain != null ? chain.chainId() : abandoned != null ? abandoned.chainId() : "none";
    }

    /** The writer (role) this log appends for. */
    public String writer() {
        return writer;
    }

    /** Appends {@code entry} in its own transaction; returns the record once committed. */
    public AuditRecord append(AuditEntry entry) {
        return appendWith(List.of(), md -> entry);
    }

    /**
     * Writes {@code companions} in order, each acknowledged before the next is sent, then the audit record
     * {@code entryFor} makes from their metadata (same order), in one transaction; returns the audit record once
     * all are committed. Readers with {@code isolation.level=read_committed} see all of them or none (each
     * partition from when its commit marker lands, so a reader of two topics may see one of them first).
     *
     * @throws AuditWriteException when the transaction did not commit: none of the records is visible
     */
    public synchronized AuditRecord appendWith(
            List<ProducerRecord<byte[], byte[]>> companions, Function<List<RecordMetadata>, AuditEntry> entryFor) {
        Objects.requireNonNull(companions, "companions");
        if (closed) {
            throw new AuditWriteException("audit log " + chainId() + " is closed; nothing was written", null);
        }
        if (chain == null) {
            startChain();
        }
        return write(companions, entryFor);
    }

    private AuditRecord write(
            List<ProducerRecord<byte[], byte[]>> companions, Function<List<RecordMetadata>, AuditEntry> entryFor) {
        AuditRecord record = null;
        boolean committing = false;
        try {
            producer.beginTransaction();
            List<RecordMetadata> md = new ArrayList<>(companions.size());
            for (ProducerRecord<byte[], byte[]> companion : companions) {
                md.add(producer.send(companion).get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            }
            record = chain.seal(entryFor.apply(List.copyOf(md)), keys);
            byte[] key = chain.chainId().getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(Topics.AUDIT, key, serde.serialize(Topics.AUDIT, record)));
            producer.send(new ProducerRecord<>(
                    Topics.AUDIT_HEADS, key, heads.serialize(Topics.AUDIT_HEADS, AuditHead.of(record, keys))));
            committing = true;
            producer.commitTransaction();
            chain = chain.after(record);
            written(record.action()).increment();
            return record;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(record, committing, e);
        } catch (ExecutionException e) {
            throw fail(record, committing, e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            throw fail(record, committing, e);
        }
    }

    /** Aborts when it can (nothing was written, the chain stays); otherwise abandons the chain. */
    private AuditWriteException fail(AuditRecord record, boolean committing, Throwable cause) {
        writeFailures().increment();
        String what = record == null
                ? "audit record"
                : record.action() + " (" + record.chainId() + "#" + record.sequence() + ")";
        if (!committing) {
            try {
                producer.abortTransaction();
                return new AuditWriteException(
                        "cannot write " + what + " to " + Topics.AUDIT + ": " + cause.getMessage()
                                + "; nothing was written",
                        cause);
            } catch (RuntimeException abortFailed) {
                LOG.warn("cannot abort audit transaction of chain {}: {}", chain.chainId(), abortFailed.toString());
            }
        }
        // a commit whose outcome is unknown, or a producer that cannot abort: this chain may end with that
        // record or without it, so it is never appended to again
        abandon(cause.toString());
        return new AuditWriteException(
                "cannot write " + what + " to " + Topics.AUDIT + ": " + cause.getMessage()
                        + (committing ? "; the outcome of its commit is unknown" : ""),
                cause);
    }

    private void abandon(String why) {
        LOG.warn("abandoning audit chain {} at sequence {}: {}", chain.chainId(), chain.nextSequence() - 1, why);
        abandoned = chain;
        abandonedWhy = why.replaceAll("\\p{Cntrl}", " ");
        chain = null;
        KafkaProducer<byte[], byte[]> p = producer;
        producer = null;
        try {
            p.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.debug("closing the abandoned audit producer: {}", e.toString());
        }
    }

    private void startChain() {
        String host = hostName();
        String id = (writer + "-" + host).replaceAll("[^A-Za-z0-9._:@-]", "-");
        id = id.substring(0, Math.min(id.length(), 80)) + "-" + STAMP.format(Instant.now()) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Map<String, Object> p = new HashMap<>(kafkaSettings);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "facestream-audit-" + writer);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.keySet().retainAll(ProducerConfig.configNames());
        KafkaProducer<byte[], byte[]> fresh =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            fresh.initTransactions();
        } catch (KafkaException e) {
            fresh.close(Duration.ofSeconds(5));
            writeFailures().increment();
            throw new AuditWriteException("cannot start an audit chain on " + Topics.AUDIT + ": " + e.getMessage(), e);
        }
        producer = fresh;
        chain = AuditChain.start(id);
        Map<String, String> d = new TreeMap<>();
        d.put("writer", writer);
        d.put("host", host);
        d.put("pid", Long.toString(ProcessHandle.current().pid()));
        d.put("os.user", System.getProperty("user.name", "?"));
        d.put(
                "jvm.start",
                Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime())
                        .toString());
        if (abandoned != null) {
            d.put("previous.chain", abandoned.chainId());
            // the last committed sequence (-1: none); a record after it may exist if its commit's outcome was unknown
            d.put("previous.sequence", Long.toString(abandoned.nextSequence() - 1));
            d.put("previous.reason", abandonedWhy.length() > 500 ? abandonedWhy.substring(0, 500) : abandonedWhy);
        }
        try {
            write(
                    List.of(),
                    md -> AuditEntry.of(
                            AuditEntry.service("facestream-" + writer), AuditRecord.CHAIN_STARTED, null, d));
        } catch (AuditWriteException e) {
            if (chain != null) {
                // aborted: nothing of this chain exists, so the next append starts afresh rather than at sequence 0
                chain = null;
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
            throw e;
        }
        LOG.info("audit chain {} started", id);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Closes the chain with {@code chain-closed} (when it can) and the producer. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (chain != null) {
            try {
                write(
                        List.of(),
                        md -> AuditEntry.of(
                                AuditEntry.service("facestream-" + writer), AuditRecord.CHAIN_CLOSED, null, Map.of()));
            } catch (AuditWriteException e) {
                LOG.warn("audit chain {} left open: {}", abandoned == null ? "?" : abandoned.chainId(), e.getMessage());
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
    }
}
