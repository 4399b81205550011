package org.facestream.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic catalogue, {@code topologies/topics.json}: every topic FaceStream reads or writes, with the
 * settings it is created with. The file ships inside the jar at {@code /topologies/topics.json}, so the
 * embedded broker and {@code ops/} create the same topics.
 *
 * <p>Immutable and thread-safe.
 */
public final class TopicCatalogue {
    private static final Logger log = LoggerFactory.getLogger(TopicCatalogue.class);
    /** Where the catalogue lies on the classpath. */
    public static final String RESOURCE = "/topologies/topics.json";

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Set<String> CLEANUP_POLICIES = Set.of("delete", "compact", "compact,delete", "delete,compact");
    private static final long ADMIN_TIMEOUT_MS = 30_000;

    private final List<TopicSpec> topics;

    /**
     * One topic of the catalogue.
     *
     * @param name topic name, {@code facestream.<plural-noun>.v<N>}
     * @param partitions partition count (at least 1)
     * @param retentionMs {@code retention.ms}; -1 keeps records forever
     * @param cleanupPolicy {@code cleanup.policy}: delete, compact or both
     * @param maxMessageBytes {@code max.message.bytes}, the largest record batch the topic accepts
     * @param key what the record key holds (documentation)
     * @param value what the record value holds (documentation)
     * @param producer the roles that write the topic (documentation)
     * @param consumers the roles that read the topic (documentation)
     * @param segmentMs {@code segment.ms}, or null for the broker's default
     * @param maxCompactionLagMs {@code max.compaction.lag.ms} (compacted topics), or null
     * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio} (compacted topics), or null
     * @param deleteRetentionMs {@code delete.retention.ms}, how long tombstones stay readable, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TopicSpec(
            String name,
            int partitions,
            long retentionMs,
            String cleanupPolicy,
            int maxMessageBytes,
            String key,
            String value,
            String producer,
            List<String> consumers,
            Long segmentMs,
            Long maxCompactionLagMs,
            Double minCleanableDirtyRatio,
            Long deleteRetentionMs) {

        public TopicSpec {
            if (name == null || !TOPIC_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("expected a topic name of 1-249 characters [a-zA-Z0-9._-], found "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("expected partitions >= 1 for " + name + ", found " + partitions);
            }
            if (retentionMs < -1 || retentionMs == 0) {
                throw new IllegalArgumentException(
                        "expected retentionMs > 0 or -1 (forever) for " + name + ", found " + retentionMs);
            }
            if (cleanupPolicy == null || !CLEANUP_POLICIES.contains(cleanupPolicy)) {
                throw new IllegalArgumentException("expected cleanupPolicy delete, compact or compact,delete for "
                        + name + ", found " + cleanupPolicy);
            }
            if (maxMessageBytes < 1024) {
                throw new IllegalArgumentException(
                        "expected maxMessageBytes >= 1024 for " + name + ", found " + maxMessageBytes);
            }
            key = key == null ? "" : key;
            value = value == null ? "" : value;
            producer = producer == null ? "" : producer;
            consumers = consumers == null ? List.of() : List.copyOf(consumers);
            requirePositive(name, "segmentMs", segmentMs);
            requirePositive(name, "maxCompactionLagMs", maxCompactionLagMs);
            requirePositive(name, "deleteRetentionMs", deleteRetentionMs);
            if (minCleanableDirtyRatio != null && !(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
                throw new IllegalArgumentException(
                        "expected minCleanableDirtyRatio in [0, 1] for " + name + ", found " + minCleanableDirtyRatio);
            }
            if ((maxCompactionLagMs != null || minCleanableDirtyRatio != null) && !cleanupPolicy.contains("compact")) {
                throw new IllegalArgumentException(
                        "expected compaction settings only on a compacted topic, found them on " + name + " ("
                                + cleanupPolicy + ")");
            }
        }

        private static void requirePositive(String topic, String what, Long value) {
            if (value != null && value < 1) {
                throw new IllegalArgumentException("expected " + what + " >= 1 for " + topic + ", found " + value);
            }
        }

        /** The topic-level configs the topic is created with. */
        public Map<String, String> configs() {
            Map<String, String> c = new TreeMap<>();
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
            c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
            c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
            if (segmentMs != null) {
                c.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(segmentMs));
            }
            if (maxCompactionLagMs != null) {
                c.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(maxCompactionLagMs));
            }
            if (minCleanableDirtyRatio != null) {
                c.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, Double.toString(minCleanableDirtyRatio));
            }
            if (deleteRetentionMs != null) {
                c.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(deleteRetentionMs));
            }
            return Map.copyOf(c);
        }

        /** A {@link NewTopic} with the cluster's default replication factor. */
        public NewTopic newTopic() {
            return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record File(List<TopicSpec> topics) {}

    /** What {@link #ensureTopics} did. */
    public record EnsureResult(List<String> created, List<String> existing) {
        public EnsureResult {
            created = List.copyOf(created);
            existing = List.copyOf(existing);
        }
    }

    private TopicCatalogue(List<TopicSpec> topics) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("expected at least one topic in the catalogue, found none");
        }
        Set<String> seen = new HashSet<>();
        for (TopicSpec t : topics) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException(
                        "expected unique topic names in the catalogue, found " + t.name() + " twice");
            }
        }
        this.topics = List.copyOf(topics);
    }

    /** The catalogue shipped in the jar. */
    public static TopicCatalogue load() {
        try (InputStream in = TopicCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "expected the topic catalogue on the classpath at " + RESOURCE + ", found nothing");
            }
            return parse(in.readAllBytes(), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** A catalogue file, e.g. {@code topologies/topics.json} of a checkout. */
    public static TopicCatalogue load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic catalogue " + file, e);
        }
    }

    public static TopicCatalogue parse(byte[] json, String source) {
        ObjectMapper mapper = Json.MAPPER;
        try {
            File file = mapper.readValue(json, File.class);
            if (file == null || file.topics() == null) {
                throw new IllegalArgumentException("expected a \"topics\" array in " + source + ", found none");
            }
            return new TopicCatalogue(file.topics());
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("topic catalogue " + source + " is invalid: " + cause.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + source, e);
        }
    }

    /** Every topic, in catalogue order. */
    public List<TopicSpec> topics() {
        return topics;
    }

    /** The topic named {@code name}. */
    public TopicSpec topic(String name) {
        return topics.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("expected a catalogue topic, found unknown topic '" + name + "'"));
    }

    /**
     * Creates the catalogue's topics that do not exist yet. Existing topics are left as they are (a
     * partition count that differs from the catalogue is logged, never changed: that would move keys).
     * Safe to call again, and safe when another process creates the same topics concurrently.
     */
    public EnsureResult ensureTopics(Admin admin) {
        Objects.requireNonNull(admin, "admin");
        try {
            Set<String> present = admin.listTopics().names().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<String> created = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            for (TopicSpec t : topics) {
                if (present.contains(t.name())) {
                    existing.add(t.name());
                } else {
                    missing.add(t.newTopic());
                }
            }
            if (!missing.isEmpty()) {
                var result = admin.createTopics(missing, new CreateTopicsOptions().timeoutMs((int) ADMIN_TIMEOUT_MS));
                for (NewTopic t : missing) {
                    try {
                        result.values().get(t.name()).get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                        created.add(t.name());
                        log.info("created topic {} ({} partitions, {})", t.name(), t.numPartitions(), t.configs());
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof TopicExistsException) {
                            existing.add(t.name()); // another process won the race
                        } else {
                            throw new IllegalStateException(
                                    "cannot create topic " + t.name() + ": "
                                            + e.getCause().getMessage(),
                                    e.getCause());
                        }
                    }
                }
            }
            if (!existing.isEmpty()) {
                warnOnPartitionDrift(admin, existing);
                log.info("topics already present, left alone: {}", existing);
            }
            return new EnsureResult(created, existing);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "expected the cluster to answer within " + ADMIN_TIMEOUT_MS + " ms, found no answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private void warnOnPartitionDrift(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described =
                admin.describeTopics(names).allTopicNames().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        for (TopicDescription d : described.values()) {
            int expected = topic(d.name()).partitions();
            if (d.partitions().size() != expected) {
                log.warn(
                        "topic {}: catalogue expects {} partitions, found {}; left unchanged",
                        d.name(),
                        expected,
                        d.partitions().size());
            }
        }
    }
}
