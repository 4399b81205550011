package org.facestream.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.facestream.api.DeadLetterCounts;
import org.facestream.audit.ChainVerifier;
import org.facestream.config.VisionOptions;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.BoundingBox;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.Frame;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Json;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Template;
import org.facestream.events.ThresholdRef;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreSketch;
import org.facestream.testing.BadBytes;
import org.facestream.testing.Embeddings;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.facestream.vision.FrameDecoder;
import org.facestream.vision.UndecodableFrameException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

/**
 * Every topic's deserializer against a seeded property loop of bad bytes: random strings, every truncation
 * and byte flips of a valid record, and structural JSON mutations. The contract (STYLE.md): bytes either read
 * as a valid record or throw Kafka's {@link SerializationException}, so the stage's handler dead-letters or
 * skips them; never another exception type (which would escape the handler and stop the stage), never null
 * for non-null bytes (null is a tombstone), never a hang. Consumers of these topics are tested on their own
 * with the same inputs (the matcher in {@code MatcherTopologyTest.BadInput}, the worker, tap and API feed in
 * {@code org.facestream.cli.PipelineBadInputFaultTest}).
 */
@Tag("fault")
class DeserializerFuzzFaultTest {
    private static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");
    private static final FaceQuality QUALITY = new FaceQuality(0.91f, 31.5f, 220f, 3f, -2f, 21f);
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void framesReadOrThrowSerializationExceptionForEveryBadInput() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedData.face("people/obama/obama.jpg"));
        byte[] valid = EventSerdes.frames()
                .serialize(
                        Topics.FRAMES, new Frame("cam-f", 12, T0, 400, 640, 360, java.util.Arrays.copyOf(jpeg, 300)));
        List<BadBytes.Input> inputs = BadBytes.around(valid, 1, 300, 600);
        inputs.add(new BadBytes.Input("JPEG length 2^31-1", patchInt(valid, valid.length - 304, Integer.MAX_VALUE)));
        inputs.add(new BadBytes.Input("JPEG length -1", patchInt(valid, valid.length - 304, -1)));
        inputs.add(new BadBytes.Input("camera id of 65535 bytes", patchShort(valid, 4, 0xFFFF)));
        inputs.add(new BadBytes.Input("captured at year 10^12", patchLong(valid, 4 + 2 + 5 + 8, Long.MAX_VALUE)));
        assertStrict(EventSerdes.frames(), Topics.FRAMES, inputs, f -> f.jpegLength() >= 1);
    }

    @Test
    void faceObservationsReadOrThrowSerializationExceptionForEveryBadInput() {
        FaceObservation o = new FaceObservation(
                FaceObservation.idOf("cam-f", 3, 1),
                "cam-f",
                3,
                1,
                T0,
                T0.plusMillis(60),
                640,
                360,
                new BoundingBox(100, 80, 60, 72),
                new float[] {120, 110, 145, 110, 132, 125, 122, 138, 143, 138},
                QUALITY,
                Embeddings.unit(new Random(3), 16),
                "yunet-w600k-int8",
                new byte[] {(byte) 0xFF, (byte) 0xD8, 7, 7});
        byte[] valid = EventSerdes.faces().serialize(Topics.FACES, o);
        List<BadBytes.Input> inputs = BadBytes.around(valid, 2, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        assertStrict(EventSerdes.faces(), Topics.FACES, inputs, f -> f.embedding().length > 0);
    }

    /**
     * The gallery topic carries sealed records: bad bytes read as a valid {@link SealedGalleryRecord} or throw;
     * one that reads then opens under the subject's key to the very record that was sealed, or is refused
     * with {@link DecryptionException} (which the matcher counts as {@code decryption-failed}, or {@code invalid-record} for an authentic record that is not valid), never another
     * exception. The pre-encryption plaintext {@link GalleryRecord} JSON does not read as a sealed record.
     */
    @Test
    void sealedGalleryRecordsReadOrThrowSerializationExceptionForEveryBadInput() throws Exception {
        GalleryRecord g = new GalleryRecord(
                "alice",
                "Alice",
                List.of(
                        new Template(Embeddings.unit(new Random(4), 16), "alice-1.jpg", QUALITY),
                        new Template(Embeddings.unit(new Random(5), 16), "alice-2.jpg", null)),
                "yunet-w600k-int8",
                T0);
        SubjectKey key = SubjectKey.generate("alice");
        GalleryCipher cipher = new GalleryCipher();
        byte[] valid = EventSerdes.gallery().serialize(Topics.GALLERY, cipher.seal(g, key));
        List<BadBytes.Input> inputs = BadBytes.around(valid, 3, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        byte[] plaintext = Json.MAPPER.writeValueAsBytes(g);
        inputs.add(new BadBytes.Input("plaintext GalleryRecord JSON", plaintext));
        int[] opened = {0};
        assertStrict(EventSerdes.gallery(), Topics.GALLERY, inputs, r -> {
            try {
                GalleryRecord back = cipher.open(r, key);
                opened[0]++;
                return back.equals(g);
            } catch (DecryptionException e) {
                return r.ciphertext().length > SealedGalleryRecord.TAG_BYTES && e.getMessage() != null;
            }
        });
        assertThatThrownBy(() -> EventSerdes.gallery().deserialize(Topics.GALLERY, plaintext))
                .isInstanceOf(SerializationException.class);
        assertThat(opened[0])
                .as("mutations that still open (to the same record)")
                .isLessThan(inputs.size() / 10);
    }

    /**
     * The subject-key topic: bad bytes read as a valid {@link SubjectKeyRecord} or throw; one that reads then
     * unwraps under the master key to the very data key, or is refused with {@link DecryptionException} (the
     * matcher's {@code key-unreadable}).
     */
    @Test
    void subjectKeysReadOrThrowSerializationExceptionForEveryBadInput() {
        MasterKeys masterKeys = MasterKeys.ephemeral();
        SubjectKey key = SubjectKey.generate("alice");
        byte[] valid = EventSerdes.subjectKeys().serialize(Topics.SUBJECT_KEYS, masterKeys.wrap(key, T0));
        List<BadBytes.Input> inputs = BadBytes.around(valid, 10, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        assertStrict(EventSerdes.subjectKeys(), Topics.SUBJECT_KEYS, inputs, k -> {
            try {
                SubjectKey back = masterKeys.unwrap(k);
                return back.keyId().equals(key.keyId()) && back.subjectId().equals(key.subjectId());
            } catch (DecryptionException e) {
                return e.getMessage() != null;
            }
        });
    }

    /**
     * The gallery command topic, which any entry point writes: bad bytes read as a valid {@link GalleryCommand} (whose
     * photos then open to the very photos under their one-time key, or are refused) or throw, so the gallery
     * processor dead-letters them instead of stopping.
     */
    @Test
    void galleryCommandsReadOrThrowSerializationExceptionForEveryBadInput() {
        MasterKeys masterKeys = MasterKeys.ephemeral();
        SubjectKey once = SubjectKey.generate("alice");
        GalleryRecord photos = new GalleryRecord(
                "alice",
                "alice",
                List.of(new Template(Embeddings.unit(new Random(6), 16), "a.jpg", QUALITY)),
                "yunet-w600k-int8",
                T0);
        GalleryCommand c = GalleryCommand.enroll(
                "req-1",
                T0,
                T0.plusSeconds(30),
                "user:alice",
                Map.of("via", "cli"),
                false,
                5,
                new GalleryCipher().seal(photos, once),
                masterKeys.wrap(once, T0));
        byte[] valid = EventSerdes.galleryCommands().serialize(Topics.GALLERY_COMMANDS, c);
        List<BadBytes.Input> inputs = BadBytes.around(valid, 12, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        assertStrict(EventSerdes.galleryCommands(), Topics.GALLERY_COMMANDS, inputs, back -> {
            if (!back.enrolls()) {
                return back.photos() == null;
            }
            try {
                return new GalleryCipher()
                        .open(back.photos(), masterKeys.unwrap(back.photosKey()))
                        .subjectId()
                        .equals(back.subjectId());
            } catch (DecryptionException e) {
                return e.getMessage() != null;
            }
        });
    }

    @Test
    void identityEventsReadOrThrowSerializationExceptionForEveryBadInput() {
        IdentityEvent e = new IdentityEvent(
                "cam-f/3/1",
                "alice",
                0.62,
                "alice",
                new ThresholdRef(0.4, 0, "fixed"),
                "cam-f",
                3,
                1,
                T0,
                T0.plusMillis(90),
                new BoundingBox(100, 80, 60, 72),
                QUALITY,
                "yunet-w600k-int8",
                4,
                List.of(new IdentityEvent.Candidate("alice", 0.62), new IdentityEvent.Candidate("bob", 0.1)));
        byte[] valid = EventSerdes.identities().serialize(Topics.IDENTITIES, e);
        List<BadBytes.Input> inputs = BadBytes.around(valid, 4, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        assertStrict(
                EventSerdes.identities(),
                Topics.IDENTITIES,
                inputs,
                ev -> ev.id().startsWith(ev.cameraId()));
    }

    @Test
    void nullScoreReportsReadOrThrowSerializationExceptionForEveryBadInput() {
        NullScoreSketch sketch = new NullScoreSketch();
        Random r = new Random(6);
        for (int i = 0; i < 200; i++) {
            sketch.add(0.1 + 0.05 * r.nextGaussian(), 0.2);
        }
        byte[] valid = EventSerdes.nullScores()
                .serialize(Topics.NULL_SCORES, NullScoreReports.of("matcher-1", "default", 4, 150, 30, sketch, 0, T0));
        List<BadBytes.Input> inputs = BadBytes.around(valid, 5, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        // the sketch travels as base64 inside the JSON: truncated and flipped sketches too
        byte[] sketchBytes = sketch.toBytes();
        List<BadBytes.Input> badSketches = BadBytes.around(sketchBytes, 6, 50, 300);
        byte[] nanSum = sketchBytes.clone();
        java.nio.ByteBuffer.wrap(nanSum).putDouble(1 + 4 + 8, Double.NaN); // format, bins, total, smooth-max sum
        badSketches.add(new BadBytes.Input("NaN smooth-max sum", nanSum));
        byte[] infSum = sketchBytes.clone();
        java.nio.ByteBuffer.wrap(infSum).putDouble(1 + 4 + 8, Double.POSITIVE_INFINITY);
        badSketches.add(new BadBytes.Input("infinite smooth-max sum", infSum));
        for (BadBytes.Input bad : badSketches) {
            String json = new String(valid, StandardCharsets.UTF_8)
                    .replaceFirst(
                            "\"sketch\":\"[^\"]*\"",
                            "\"sketch\":\"" + java.util.Base64.getEncoder().encodeToString(bad.bytes()) + "\"");
            inputs.add(new BadBytes.Input("sketch " + bad.how(), json.getBytes(StandardCharsets.UTF_8)));
        }
        // the report carries its sketch opaque (base64): one that reads then decodes to a finite sketch, or is
        // refused with IllegalArgumentException, which the aggregator skips and counts
        assertStrict(EventSerdes.nullScores(), Topics.NULL_SCORES, inputs, rep -> {
            try {
                return Double.isFinite(NullScoreReports.sketch(rep).meanSmoothMax());
            } catch (IllegalArgumentException e) {
                return e.getMessage().startsWith("expected a null-score sketch in the report of instance ");
            }
        });
    }

    @Test
    void thresholdStatesReadOrThrowSerializationExceptionForEveryBadInput() {
        byte[] valid = EventSerdes.thresholds()
                .serialize(
                        Topics.THRESHOLDS,
                        new ThresholdState(
                                "default",
                                0.41,
                                0.43,
                                7,
                                0.01,
                                0.9996,
                                150,
                                30,
                                5000,
                                0.2,
                                0.5,
                                ThresholdState.EMPIRICAL,
                                T0));
        List<BadBytes.Input> inputs = BadBytes.around(valid, 7, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        assertStrict(EventSerdes.thresholds(), Topics.THRESHOLDS, inputs, s -> s.value() >= -1 && s.value() <= 1);
    }

    /**
     * Audit records, and the chain verifier over the same bytes: a bad record is one problem named by its
     * position (or reads, and then its hash or link no longer holds), never an exception that stops the check.
     */
    @Test
    void auditRecordsReadOrThrowSerializationExceptionAndTheVerifierNamesEveryBadOne() {
        AuditChain chain = AuditChain.start("api-host-20260201T100000Z-0a1b2c3d");
        AuditRecord genesis = chain.seal(
                new AuditEntry(
                        T0,
                        AuditEntry.service("facestream-api"),
                        AuditRecord.CHAIN_STARTED,
                        null,
                        new java.util.TreeMap<>(java.util.Map.of("writer", "api"))),
                TestAuditKeys.keys());
        AuditRecord erased = chain.after(genesis)
                .seal(
                        new AuditEntry(
                                T0.plusSeconds(1),
                                AuditEntry.apiKey("admin-1"),
                                AuditRecord.SUBJECT_ERASED,
                                "obama",
                                new java.util.TreeMap<>(java.util.Map.of(
                                        "via", "api", "key.id", "dek-0123", "gallery", "facestream.gallery.v1-0@7"))),
                        TestAuditKeys.keys());
        byte[] valid = EventSerdes.audit().serialize(Topics.AUDIT, erased);
        List<BadBytes.Input> inputs = BadBytes.around(valid, 11, 300, 600);
        inputs.addAll(BadBytes.jsonMutations(valid));
        assertStrict(
                EventSerdes.audit(),
                Topics.AUDIT,
                inputs,
                r -> r.sequence() >= 0 && !r.chainId().isBlank());

        List<String> escaped = new ArrayList<>();
        long offset = 0;
        ChainVerifier verifier = new ChainVerifier(TestAuditKeys.keys());
        verifier.accept(
                new ChainVerifier.Position(Topics.AUDIT, 0, offset++),
                genesis.chainId(),
                EventSerdes.audit().serialize(Topics.AUDIT, genesis));
        for (BadBytes.Input in : inputs) {
            try {
                verifier.accept(new ChainVerifier.Position(Topics.AUDIT, 0, offset++), genesis.chainId(), in.bytes());
            } catch (RuntimeException e) {
                escaped.add(in + ": " + e);
            }
        }
        assertThat(escaped).as("bad audit bytes that escaped the verifier").isEmpty();
        ChainVerifier.Result result = verifier.result();
        assertThat(result.verified()).isFalse();
        // at most one input verifies: one that reads back as the very record (sequence 1); any later copy is a replay
        assertThat(result.problemCount()).as("every bad record is a problem").isGreaterThanOrEqualTo(inputs.size() - 1);
    }

    @Test
    void deadLetterHeadersReadAsTextAndAreCountedWhateverTheirBytes() {
        Random r = new Random(8);
        DeadLetterCounts counts = new DeadLetterCounts();
        assertTimeoutPreemptively(BUDGET, () -> {
            for (int i = 0; i < 500; i++) {
                RecordHeaders headers = new RecordHeaders();
                if (i % 5 != 0) { // some dead letters come without a reason header (written by another tool)
                    byte[] reason = new byte[r.nextInt(64)];
                    r.nextBytes(reason);
                    headers.add(DeadLetters.HEADER_REASON, reason);
                }
                headers.add(
                        DeadLetters.HEADER_STAGE,
                        i % 2 == 0 ? "worker".getBytes(StandardCharsets.UTF_8) : new byte[] {(byte) 0xC3});
                counts.add(
                        DeadLetters.header(headers, DeadLetters.HEADER_STAGE),
                        DeadLetters.header(headers, DeadLetters.HEADER_REASON));
            }
        });
        assertThat(counts.total()).isEqualTo(500);
        assertThat(counts.byStageAndReason().get("worker").values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(250);
        assertThat(counts.byStageAndReason().get("worker")).containsEntry("unknown", 50L);
    }

    /**
     * The worker's decoder after the frame deserializer: a JPEG truncated or flipped anywhere decodes or is
     * refused with {@link UndecodableFrameException} (which the worker dead-letters as {@code corrupt-image}),
     * never another exception from OpenCV.
     */
    @Test
    void jpegDecoderRefusesEveryCorruptImageWithUndecodableFrameException() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedData.face("people/obama/obama.jpg"));
        FrameDecoder decoder = new FrameDecoder(VisionOptions.DEFAULT_MAX_PIXELS);
        List<BadBytes.Input> inputs = new ArrayList<>(BadBytes.around(jpeg, 9, 100, 150));
        inputs.add(new BadBytes.Input("bomb 65535x65535", BadBytes.jpegDeclaring(65535, 65535)));
        inputs.add(new BadBytes.Input("zero size", BadBytes.jpegDeclaring(0, 0)));
        inputs.add(new BadBytes.Input("corrupt after header", BadBytes.corruptedAfter(jpeg, 600)));
        List<String> wrong = new ArrayList<>();
        int[] decoded = {0};
        assertTimeoutPreemptively(BUDGET.multipliedBy(2), () -> {
            for (BadBytes.Input in : inputs) {
                try {
                    Mat m = decoder.decode(in.bytes());
                    assertThat(m.empty()).isFalse();
                    m.release();
                    decoded[0]++;
                } catch (UndecodableFrameException e) {
                    assertThat(e.getMessage()).startsWith("expected ");
                } catch (RuntimeException e) {
                    wrong.add(in + ": " + e);
                }
            }
        });
        assertThat(wrong).as("inputs that escaped as another exception").isEmpty();
        System.err.printf(
                "jpeg decoder: %d of %d bad inputs still decoded (a flipped pixel byte is a valid JPEG)%n",
                decoded[0], inputs.size());
    }

    /**
     * Each input reads as a valid record (then {@code sane} holds) or throws {@link SerializationException};
     * anything else is collected and reported with the input that caused it.
     */
    private static <T> void assertStrict(
            Deserializer<T> deserializer, String topic, List<BadBytes.Input> inputs, Function<T, Boolean> sane) {
        List<String> wrong = new ArrayList<>();
        int[] refused = {0};
        assertTimeoutPreemptively(
                BUDGET,
                () -> {
                    for (BadBytes.Input in : inputs) {
                        try {
                            T value = deserializer.deserialize(topic, in.bytes());
                            if (value == null) {
                                wrong.add(in + ": read as null (a tombstone) although it has bytes");
                            } else if (!sane.apply(value)) {
                                wrong.add(in + ": read as an invalid record " + value);
                            }
                        } catch (SerializationException e) {
                            refused[0]++;
                            if (e.getMessage() == null || e.getMessage().isBlank()) {
                                wrong.add(in + ": SerializationException without a message");
                            }
                        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                            wrong.add(in + ": " + e);
                        }
                    }
                },
                () -> "a deserializer of " + topic + " did not finish " + inputs.size() + " inputs within " + BUDGET);
        assertThat(wrong).as("inputs of %s that broke the contract", topic).isEmpty();
        assertThat(refused[0]).as("refused inputs of %s", topic).isGreaterThan(inputs.size() / 2);
        assertThat(deserializer.deserialize(topic, null)).as("a tombstone").isNull();
    }

    private static byte[] patchInt(byte[] b, int at, int v) {
        byte[] c = b.clone();
        java.nio.ByteBuffer.wrap(c).putInt(at, v);
        return c;
    }

    private static byte[] patchShort(byte[] b, int at, int v) {
        byte[] c = b.clone();
        java.nio.ByteBuffer.wrap(c).putShort(at, (short) v);
        return c;
    }

    private static byte[] patchLong(byte[] b, int at, long v) {
        byte[] c = b.clone();
        java.nio.ByteBuffer.wrap(c).putLong(at, v);
        return c;
    }
}
