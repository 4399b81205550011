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

    /**
     * Why a record was refused, written as its stable code in {@link #HEADER_REASON} and used as a metric
     * label: dashboards and alert rules select on the codes, so they never change.
     */
    public enum Reason {
        /** Bytes that do not read as the expected record (bad JSON, a violated invariant, a missing value). */
        DESERIALIZATION_FAILED("deserialization-failed"),
        /** The record was made with another model pack than the matcher's. */
        MODEL_PACK_MISMATCH("model-pack-mismatch"),
        /** The embedding length differs from the gallery's. */
        EMBEDDING_DIMENSION_MISMATCH("embedding-dimension-mismatch"),
        /**
         * An embedding holding NaN or an infinite value (a broken embedder or a producer bug): it has no cosine
         * with anything. Such bytes do not make a valid observation, but they get their own reason rather than
         * {@link #DESERIALIZATION_FAILED} because the cure is different (the model, not the bytes).
         */
        EMBEDDING_NOT_FINITE("embedding-not-finite"),
        /** An embedding of zeros (a broken embedder): it has no direction, so no cosine. */
        EMBEDDING_ZERO_NORM("embedding-zero-norm"),
        /** A gallery record whose subject id differs from its key. */
        SUBJECT_KEY_MISMATCH("subject-key-mismatch"),
        /** A gallery record without a key (cannot be attributed to a subject). */
        MISSING_KEY("missing-key"),
        /**
         * A gallery record sealed under a data key this matcher saw destroyed by an erasure: a restored backup or
         * a replayed copy of an erased subject. It can never be decrypted again.
         */
        KEY_DESTROYED("key-destroyed"),
        /**
         * A gallery record that does not open under its subject's data key: its ciphertext or a clear field was
         * changed, or it was sealed for another subject and moved.
         */
        DECRYPTION_FAILED("decryption-failed"),
        /**
         * A gallery record that authenticates under its subject's data key but is not a valid record (a template
         * with NaN, of another length or not L2-normalised, no template, another template count or dimension than
         * its clear fields declare, a payload that does not read): only a writer holding the key can make one, so
         * that writer is broken.
         */
        INVALID_RECORD("invalid-record"),
        /**
         * A subject-key record that cannot be used: unreadable bytes, a subject id that differs from the key, a
         * master key that is not configured, or a wrapped key that does not authenticate.
         */
        KEY_UNREADABLE("key-unreadable"),
        /** An unexpected failure while matching a readable observation (a bug, never expected). */
        MATCH_FAILED("match-failed"),
        /** A frame record without a value. */
        NULL_FRAME("null-frame"),
        /** A frame larger than {@code worker.frame.max.bytes}. */
        FRAME_TOO_LARGE("frame-too-large"),
        /** A JPEG whose header declares more pixels than {@code worker.frame.max.pixels} (decompression-bomb guard). */
        IMAGE_TOO_LARGE("image-too-large"),
        /** Frame bytes that do not decode as an image. */
        CORRUPT_IMAGE("corrupt-image"),
        /**
         * A JPEG whose decoding would cost more than the decode budget allows (more scans than the decoder
         * accepts: a progressive JPEG with a scan repeated thousands of times costs seconds to minutes), refused
         * before decoding.
         */
        DECODE_BUDGET_EXCEEDED("decode-budget-exceeded"),
        /** Detection, alignment or embedding failed on a decoded frame. */
        ANALYSIS_FAILED("analysis-failed");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The stable code, e.g. {@code decryption-failed}. */
        public String code() {
            return code;
        }

        @Override
        public String toString() {
            return code;
        }
    }

    /** A dead-letter record for {@code value} read from {@code topic/partition@offset}. */
    public static ProducerRecord<byte[], byte[]> record(
            String stage,
            Reason reason,
            String detail,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value) {
        Headers headers = new RecordHeaders();
        headers.add(HEADER_STAGE, utf8(stage));
        headers.add(HEADER_REASON, utf8(reason.code()));
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
