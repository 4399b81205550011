package org.facestream.enroll;

import java.time.Duration;
import java.util.List;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;

/**
 * What an erasure leaves behind, where, and for how long: the lines {@code facestream erase} prints after erasing
 * and the README's erasure section states (a test holds them equal). Bounds come from the topic catalogue: a
 * record on a topic cleaned by deletion lives at most its retention plus one segment (a segment is deleted once
 * its newest record is older than the retention, and segments roll every {@code segment.ms}) plus the broker's
 * retention check interval ({@code log.retention.check.interval.ms}, 5 minutes by default); a destroyed key on a
 * compacted topic lasts until its segment rolls (on the first write after {@code segment.ms}: the gallery processor's
 * roll tombstone comes every {@link GalleryCommandTopology#ROLL_EVERY}) and the cleaner compacts it (within {@code
 * max.compaction.lag.ms}, which runs from the segment's first record, so with a 1-hour lag the cleaning is due by
 * the time it rolls), a few minutes more for the cleaner's pass and the deletion of the old files.
 */
public final class ErasureScope {
    /** The broker's default {@code log.retention.check.interval.ms}. */
    static final Duration RETENTION_CHECK = Duration.ofMinutes(5);
    /** The cleaner's pass and the broker's deletion of replaced segment files ({@code file.delete.delay.ms}). */
    static final Duration CLEANING = Duration.ofMinutes(5);
    /** Kafka's default {@code segment.ms}, for a topic the catalogue sets none for. */
    static final Duration DEFAULT_SEGMENT = Duration.ofDays(7);

    private ErasureScope() {}

    /** What remains of a subject after an erasure, one line per place, with {@code subject} named. */
    public static List<String> lines(TopicCatalogue catalogue, String subject) {
        return List.of(
                "facestream.subject-keys.v1: the destroyed data key, wrapped under the master key, until its segment is"
                        + " compacted: within " + keyLife(catalogue) + " (the tombstone, which holds no key, "
                        + human(Duration.ofMillis(
                                spec(catalogue, Topics.SUBJECT_KEYS).deleteRetentionMs()))
                        + "); the gallery processor's changelog ("
                        + GalleryService.APPLICATION_ID + "-" + GalleryCommandTopology.GALLERY_BY_SUBJECT
                        + "-changelog) holds the same key and is cleaned the same way",
                "facestream.gallery.v1, the matchers' RocksDB stores, copies and backups: " + subject
                        + "'s templates as ciphertext under the destroyed key, undecryptable from the erasure on;"
                        + " removed from the topic and the stores by compaction",
                Topics.FRAMES + ": camera frames showing the person, up to " + upTo(catalogue, Topics.FRAMES),
                Topics.FACES + ": observations of the person (plaintext embeddings; face thumbnails with"
                        + " worker.thumbnails=true), up to " + upTo(catalogue, Topics.FACES),
                Topics.IDENTITIES + ": identity events naming " + subject + ", up to "
                        + upTo(catalogue, Topics.IDENTITIES)
                        + " (the API no longer shows them; other consumers must honour " + Topics.ERASURES + ")",
                Topics.DEADLETTER + ": dead-lettered frames and observations, up to "
                        + upTo(catalogue, Topics.DEADLETTER),
                "with matcher.tracks=true, the matcher's track-by-camera store and its changelog: the fused embedding of"
                        + " each camera's current tracks, until the camera's next face after the track ended (a camera"
                        + " that goes silent keeps its last tracks)",
                Topics.GALLERY_COMMANDS + ": the templates of " + subject
                        + "'s enrollment photos, sealed under one-time keys wrapped under the master key, up to "
                        + upTo(catalogue, Topics.GALLERY_COMMANDS),
                Topics.GALLERY_OUTCOMES + ": outcomes naming " + subject
                        + " (template counts, photo file names), up to " + upTo(catalogue, Topics.GALLERY_OUTCOMES),
                Topics.ERASURES + " and " + Topics.AUDIT + ": " + subject
                        + "'s id, the destroyed key's id, and who enrolled and erased it, for good (the record of"
                        + " the erasure; use pseudonymous subject ids)",
                "the API, the matchers, the gallery processor: nothing (events, thumbnails, queued server-sent"
                        + " events and templates dropped at once)");
    }

    /** How long a record of a deletion-cleaned topic lives at most. */
    static String upTo(TopicCatalogue catalogue, String topic) {
        TopicCatalogue.TopicSpec t = spec(catalogue, topic);
        Duration segment = t.segmentMs() == null ? DEFAULT_SEGMENT : Duration.ofMillis(t.segmentMs());
        return human(Duration.ofMillis(t.retentionMs()).plus(segment).plus(RETENTION_CHECK));
    }

    /** How long a destroyed key lasts on the compacted key topic at most. */
    static String keyLife(TopicCatalogue catalogue) {
        TopicCatalogue.TopicSpec t = spec(catalogue, Topics.SUBJECT_KEYS);
        Duration segment = Duration.ofMillis(t.segmentMs());
        Duration lag = Duration.ofMillis(t.maxCompactionLagMs());
        Duration roll = segment.compareTo(lag) < 0 ? segment : lag;
        return "about " + human(roll.plus(GalleryCommandTopology.ROLL_EVERY).plus(CLEANING));
    }

    private static TopicCatalogue.TopicSpec spec(TopicCatalogue catalogue, String topic) {
        return catalogue.topics().stream()
                .filter(t -> t.name().equals(topic))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("expected topic " + topic + " in the catalogue"));
    }

    static String human(Duration d) {
        long h = d.toHours();
        long m = d.toMinutesPart();
        if (h >= 48 && m == 0 && h % 24 == 0) {
            return (h / 24) + " days";
        }
        return m == 0 ? h + " h" : h == 0 ? m + " min" : h + " h " + m + " min";
    }
}
