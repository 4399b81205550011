package org.facestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class WireRecordsTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};

    @Test
    void frameRoundTripsThroughBinaryV1() {
        Frame f = WireFixtures.frame("cam-1", 42, JPEG);
        FrameSerde serde = EventSerdes.frames();
        Frame back = serde.deserialize(Topics.FRAMES, serde.serialize(Topics.FRAMES, f));
        assertThat(back).isEqualTo(f);
        assertThat(back.capturedAt()).isEqualTo(WireFixtures.T0);
        assertThat(back.jpeg()).containsExactly(JPEG);
    }

    @Test
    void frameV1BytesAreStable() {
        byte[] bytes = EventSerdes.frames().serialize(Topics.FRAMES, WireFixtures.frame("c", 1, JPEG));
        // golden v1 layout: magic, u16 id length, id, seq, seconds, nanos, media ms, w, h, jpeg length, jpeg
        assertThat(java.util.HexFormat.of().formatHex(bytes))
                .isEqualTo("46534631" + "0001" + "63" + "0000000000000001" + "00000000" + "6b040090" + "075bcd15"
                        + "0000000000000021" + "00000280" + "00000168" + "00000007" + "ffd8010203ffd9");
    }

    @Test
    void frameWithAnIngestRunIsWrittenInLayout2AndReadBack() {
        Frame f = new Frame("c", "r1", 1, WireFixtures.T0, 33, 640, 360, JPEG);
        byte[] bytes = EventSerdes.frames().serialize(Topics.FRAMES, f);
        // golden layout 2: magic FSF2, u16 id length, id, u8 run length, run, then layout 1's fields
        assertThat(java.util.HexFormat.of().formatHex(bytes))
                .isEqualTo("46534632" + "0001" + "63" + "02" + "7231" + "0000000000000001" + "00000000" + "6b040090"
                        + "075bcd15" + "0000000000000021" + "00000280" + "00000168" + "00000007" + "ffd8010203ffd9");
        Frame back = EventSerdes.frames().deserialize(Topics.FRAMES, bytes);
        assertThat(back).isEqualTo(f);
        assertThat(back.ingestRun()).isEqualTo("r1");
        // layout 1 (no run) still reads, as frames of older ingests
        assertThat(EventSerdes.frames()
                        .deserialize(
                                Topics.FRAMES,
                                EventSerdes.frames().serialize(Topics.FRAMES, WireFixtures.frame("c", 1, JPEG)))
                        .ingestRun())
                .isNull();
    }

    @Test
    void ingestRunsAreRandomHexAndRefuseSlashes() {
        String run = Frame.newIngestRun();
        assertThat(run).matches("[0-9a-f]{16}");
        assertThat(Frame.newIngestRun()).isNotEqualTo(run);
        assertThatThrownBy(() -> new Frame("c", "a/b", 0, WireFixtures.T0, 0, 1, 1, JPEG))
                .hasMessage("expected ingestRun of 1-40 characters [A-Za-z0-9-] (or none), found 'a/b'");
    }

    @Test
    void observationIdsTellIngestRunsApartAndRepeatForCopiesOfOneObservation() {
        float[] e = WireFixtures.unitVector(1, 8);
        FaceObservation first = WireFixtures.observation("cam-1", "00000000000000aa", 0, 0, e, "p");
        FaceObservation restarted = WireFixtures.observation("cam-1", "00000000000000bb", 0, 0, e, "p");
        assertThat(first.observationId()).isEqualTo("cam-1/00000000000000aa/0/0");
        assertThat(restarted.observationId()).isNotEqualTo(first.observationId());
        FaceObservation copy = EventSerdes.faces()
                .deserialize(Topics.FACES, EventSerdes.faces().serialize(Topics.FACES, first));
        assertThat(copy.observationId()).isEqualTo(first.observationId());
        assertThat(copy.ingestRun()).isEqualTo("00000000000000aa");
        // an observation without a run (of a layout 1 frame) keeps the old id form, and reads without the field
        assertThat(WireFixtures.observation("cam-1", 0, 0, e, "p").observationId())
                .isEqualTo("cam-1/0/0");
        assertThatThrownBy(() -> new FaceObservation(
                        "cam-1/0/0",
                        "cam-1",
                        "00000000000000aa",
                        0,
                        0,
                        WireFixtures.T0,
                        WireFixtures.T0,
                        1,
                        1,
                        new BoundingBox(0, 0, 1, 1),
                        new float[10],
                        WireFixtures.quality(),
                        new float[] {1},
                        "p",
                        null,
                        null))
                .hasMessage("expected observationId cam-1/00000000000000aa/0/0, found cam-1/0/0");
    }

    // Random, truncated and flipped bytes of every message: org.facestream.fault.DeserializerFuzzFaultTest.

    @Test
    void tombstonesReadAsNull() {
        assertThat(EventSerdes.frames().deserialize("t", null)).isNull();
        assertThat(EventSerdes.gallery().deserialize("t", null)).isNull();
        assertThat(EventSerdes.subjectKeys().deserialize("t", null)).isNull();
        assertThat(EventSerdes.faces().deserialize("t", null)).isNull();
    }

    @Test
    void observationRoundTripsAndKeepsEmbeddingExactly() {
        float[] e = WireFixtures.unitVector(1, 512);
        FaceObservation o = WireFixtures.observation("cam-1", 3, 0, e, "yunet-w600k-int8");
        JsonSerde<FaceObservation> serde = EventSerdes.faces();
        FaceObservation back = serde.deserialize(Topics.FACES, serde.serialize(Topics.FACES, o));
        assertThat(back).isEqualTo(o);
        assertThat(back.embedding()).containsExactly(e);
    }

    @Test
    void observationJsonV1WithATrackIsStableAndReadsBackAndOneWithoutReadsToo() throws Exception {
        FaceObservation o = WireFixtures.observation("cam-1", 42, 1, new float[] {0.6f, 0.8f}, "yunet-w600k-int8")
                .withTrack(new FaceTrack(
                        "cam-1/t37.1", WireFixtures.T0.minusMillis(1000), 6, 2, FaceTrack.Reason.BETTER, 0.625));
        String json = new String(EventSerdes.faces().serialize(Topics.FACES, o), StandardCharsets.UTF_8);
        // golden v1 JSON: the track is one more field, the rest as before
        assertThat(json)
                .isEqualTo(
                        "{\"observationId\":\"cam-1/42/1\",\"cameraId\":\"cam-1\",\"frameSequence\":42,\"faceIndex\":1,"
                                + "\"capturedAt\":\"2026-11-23T09:00:00.123456789Z\",\"observedAt\":\"2026-11-23T09:00:00.203456789Z\","
                                + "\"frameWidth\":640,\"frameHeight\":360,"
                                + "\"box\":{\"x\":301.5,\"y\":88.0,\"width\":64.25,\"height\":80.75},"
                                + "\"landmarks\":[318.1,120.4,345.9,119.8,332.0,135.2,320.3,150.1,343.7,149.6],"
                                + "\"quality\":"
                                + new String(
                                        Json.MAPPER.writeValueAsBytes(WireFixtures.quality()), StandardCharsets.UTF_8)
                                + ","
                                + "\"embedding\":[0.6,0.8],\"modelPackId\":\"yunet-w600k-int8\","
                                + "\"track\":{\"trackId\":\"cam-1/t37.1\",\"firstSeen\":\"2026-11-23T08:59:59.123456789Z\","
                                + "\"faces\":6,\"shot\":2,\"reason\":\"better\",\"shotQuality\":0.625}}");
        assertThat(EventSerdes.faces().deserialize(Topics.FACES, json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(o);
        String untracked = json.substring(0, json.indexOf(",\"track\":")) + "}";
        FaceObservation earlier =
                EventSerdes.faces().deserialize(Topics.FACES, untracked.getBytes(StandardCharsets.UTF_8));
        assertThat(earlier.track())
                .as("an observation of a worker from before tracking")
                .isNull();
        assertThat(earlier).isEqualTo(o.withTrack(null));
    }

    @Test
    void aTrackRefusesImpossibleCountsAndAnUnknownReason() {
        assertThatThrownBy(() -> new FaceTrack("cam-1/t1.0", WireFixtures.T0, 2, 3, FaceTrack.Reason.START, 0.5))
                .hasMessage("expected shot >= 1 and faces >= shot, found shot 3 of 2 faces on track cam-1/t1.0");
        assertThatThrownBy(() -> new FaceTrack("cam-1/t1.0", WireFixtures.T0, 2, 1, FaceTrack.Reason.START, 1.5))
                .hasMessage("expected shotQuality in [0, 1], found 1.5 on track cam-1/t1.0");
        String json = "{\"trackId\":\"t\",\"firstSeen\":\"2026-11-23T09:00:00Z\",\"faces\":1,\"shot\":1,"
                + "\"reason\":\"sometimes\",\"shotQuality\":0.5}";
        assertThatThrownBy(() -> Json.MAPPER.readValue(json, FaceTrack.class))
                .hasMessageContaining("expected a shot reason (start, better, interval, every-face), found sometimes");
    }

    @Test
    void observationWithNanEmbeddingIsRefusedWithIndex() {
        float[] e = WireFixtures.unitVector(1, 8);
        e[5] = Float.NaN;
        assertThatThrownBy(() -> WireFixtures.observation("cam-1", 3, 0, e, "p"))
                .hasMessage("expected finite embedding values, found NaN at index 5");
    }

    @Test
    void observationJsonWithInfiniteValueIsASerializationException() {
        String json = new String(
                EventSerdes.faces()
                        .serialize("t", WireFixtures.observation("c", 1, 0, WireFixtures.unitVector(2, 4), "p")),
                StandardCharsets.UTF_8);
        String bad = json.replaceFirst("\"embedding\":\\[[^,]+,", "\"embedding\":[\"Infinity\",");
        assertThatThrownBy(() -> EventSerdes.faces().deserialize("t", bad.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("expected finite embedding values");
    }

    @Test
    void observationIdMustMatchItsParts() {
        assertThatThrownBy(() -> new FaceObservation(
                        "x/1/0",
                        "cam",
                        1,
                        0,
                        WireFixtures.T0,
                        WireFixtures.T0,
                        1,
                        1,
                        new BoundingBox(0, 0, 1, 1),
                        new float[10],
                        WireFixtures.quality(),
                        new float[] {1},
                        "p",
                        null))
                .hasMessage("expected observationId cam/1/0, found x/1/0");
    }

    @Test
    void galleryRecordRejectsMixedDimensionsAndUnnormalisedTemplates() {
        assertThatThrownBy(() -> WireFixtures.galleryRecord(
                        "s", "p", WireFixtures.unitVector(1, 512), WireFixtures.unitVector(2, 128)))
                .hasMessage("expected every template of s to have length 512, found 128");
        assertThatThrownBy(() -> new Template(new float[] {3, 4}, "a.jpg", null))
                .hasMessage("expected an L2-normalised template, found norm 5.0");
        assertThatThrownBy(() -> new GalleryRecord("s", null, List.of(), "p", WireFixtures.T0))
                .hasMessage("expected at least one template for subject s, found none");
    }

    @Test
    void sealedGalleryRecordRoundTripsWithItsBytesAsBase64() {
        byte[] nonce = new byte[12];
        byte[] ciphertext = new byte[40];
        Arrays.fill(ciphertext, (byte) 7);
        SealedGalleryRecord r =
                new SealedGalleryRecord("s", "p", 512, 2, WireFixtures.T0, "AES-256-GCM", "dek-1", nonce, ciphertext);
        byte[] json = EventSerdes.gallery().serialize(Topics.GALLERY, r);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"ciphertext\":\"" + java.util.Base64.getEncoder().encodeToString(ciphertext) + "\"");
        assertThat(EventSerdes.gallery().deserialize(Topics.GALLERY, json)).isEqualTo(r);
    }

    @Test
    void sealedRecordsAndKeyRecordsRefuseMalformedCrypto() {
        assertThatThrownBy(() -> new SealedGalleryRecord(
                        "s", "p", 512, 1, WireFixtures.T0, "AES-128-CBC", "dek-1", new byte[12], new byte[32]))
                .hasMessage("expected cipher AES-256-GCM, found AES-128-CBC");
        assertThatThrownBy(() -> new SealedGalleryRecord(
                        "s", "p", 512, 1, WireFixtures.T0, "AES-256-GCM", "dek-1", new byte[8], new byte[32]))
                .hasMessage("expected a nonce of 12 bytes, found 8 bytes");
        assertThatThrownBy(() -> new SealedGalleryRecord(
                        "s", "p", 512, 0, WireFixtures.T0, "AES-256-GCM", "dek-1", new byte[12], new byte[32]))
                .hasMessage("expected at least one template for subject s, found 0");
        assertThatThrownBy(() -> new SubjectKeyRecord(
                        "s", "dek-1", "kek-1", "AES-256-GCM", new byte[12], new byte[32], WireFixtures.T0))
                .hasMessage("expected a wrappedKey of 48 bytes, found 32 bytes");
        SubjectKeyRecord k =
                new SubjectKeyRecord("s", "dek-1", "kek-1", "AES-256-GCM", new byte[12], new byte[48], WireFixtures.T0);
        assertThat(EventSerdes.subjectKeys()
                        .deserialize(
                                Topics.SUBJECT_KEYS, EventSerdes.subjectKeys().serialize(Topics.SUBJECT_KEYS, k)))
                .isEqualTo(k);
        assertThat(k.toString()).doesNotContain("wrappedKey");
    }

    @Test
    void subjectIdsAreRestrictedToASafeAlphabet() {
        assertThatThrownBy(() -> WireFixtures.galleryRecord("../etc/passwd", "p", WireFixtures.unitVector(1, 4)))
                .hasMessageStartingWith("expected subjectId of 1-128 characters");
    }

    @Test
    void identityEventIsACloudEventAndRoundTrips() throws Exception {
        IdentityEvent e = new IdentityEvent(
                "cam-1/5f3a9c0e12d4b7a8/4/1",
                "obama",
                0.61,
                "obama",
                new ThresholdRef(0.35, 0, "fixed"),
                "cam-1",
                "5f3a9c0e12d4b7a8",
                4,
                1,
                WireFixtures.T0,
                WireFixtures.T0.plusMillis(200),
                new BoundingBox(1, 2, 30, 40),
                WireFixtures.quality(),
                "pack",
                3,
                List.of(new IdentityEvent.Candidate("obama", 0.61), new IdentityEvent.Candidate("biden", 0.05)),
                null);
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8)); // e.g. copied from input
        byte[] bytes = EventSerdes.identities().serialize(Topics.IDENTITIES, headers, e);
        var tree = Json.MAPPER.readTree(bytes);
        assertThat(tree.get("specversion").asText()).isEqualTo("1.0");
        assertThat(tree.get("type").asText()).isEqualTo("org.facestream.identity.v1");
        assertThat(tree.get("subject").asText()).isEqualTo("obama");
        assertThat(tree.get("id").asText()).isEqualTo("cam-1/5f3a9c0e12d4b7a8/4/1");
        assertThat(tree.get("source").asText()).isEqualTo("/facestream/matcher/cam-1");
        assertThat(tree.at("/data/ingestRun").asText()).isEqualTo("5f3a9c0e12d4b7a8");
        assertThat(tree.get("data").has("embedding")).isFalse();
        assertThat(EventSerdes.identities().deserialize(Topics.IDENTITIES, bytes))
                .isEqualTo(e);
        // the Kafka protocol binding's structured mode: exactly one content-type header, the event format's
        assertThat(headers.headers("content-type"))
                .singleElement()
                .extracting(h -> new String(h.value(), StandardCharsets.UTF_8))
                .isEqualTo("application/cloudevents+json; charset=UTF-8");
    }

    @Test
    void unknownIdentityEventHasUnknownSubject() {
        IdentityEvent e = new IdentityEvent(
                "c/1/0",
                null,
                0.12,
                "biden",
                new ThresholdRef(0.35, 0, "fixed"),
                "c",
                1,
                0,
                WireFixtures.T0,
                WireFixtures.T0,
                new BoundingBox(1, 2, 3, 4),
                WireFixtures.quality(),
                "pack",
                1,
                List.of());
        assertThat(IdentityEventSerde.toCloudEvent(e).get("subject").asText()).isEqualTo("unknown");
        assertThat(e.isMatch()).isFalse();
    }

    @Test
    void nullScoreReportV1JsonIsStable() {
        NullScoreReport r = new NullScoreReport(
                "matcher-1",
                "default",
                4,
                150,
                30,
                "AQAAIAAAAAAAAAAAAz/iZmZmZmZmgRABmRMBswYB",
                2,
                Instant.parse("2025-03-01T12:00:00Z"),
                160,
                31);
        byte[] bytes = EventSerdes.nullScores().serialize(Topics.NULL_SCORES, r);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(WireFixtures.NULL_SCORE_REPORT_V1);
        assertThat(EventSerdes.nullScores().deserialize(Topics.NULL_SCORES, bytes))
                .isEqualTo(r);
    }

    @Test
    void nullScoreReportWhoseSketchIsNotBase64IsASerializationException() {
        String bad =
                WireFixtures.NULL_SCORE_REPORT_V1.replace("AQAAIAAAAAAAAAAAAz/iZmZmZmZmgRABmRMBswYB", "not base64!");
        assertThatThrownBy(() ->
                        EventSerdes.nullScores().deserialize(Topics.NULL_SCORES, bad.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Illegal base64 character");
    }

    @Test
    void thresholdStateV1JsonIsStable() {
        ThresholdState st = new ThresholdState(
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
                Instant.parse("2025-03-01T12:00:00Z"));
        byte[] bytes = EventSerdes.thresholds().serialize(Topics.THRESHOLDS, st);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"policyId\":\"default\",\"value\":0.41,\"rawValue\":0.43,"
                        + "\"version\":7,\"alpha\":0.01,\"level\":0.9996,\"galleryN\":150,\"cohortK\":30,\"samples\":5000,\"meanSmoothMax\":0.2,"
                        + "\"beta\":0.5,\"method\":\"empirical\",\"updatedAt\":\"2025-03-01T12:00:00Z\"}");
        assertThat(EventSerdes.thresholds().deserialize(Topics.THRESHOLDS, bytes))
                .isEqualTo(st);
    }

    @Test
    void erasureRecordV1JsonIsStableAndItsKeyMayBeAbsent() {
        ErasureRecord e = new ErasureRecord(
                "obama", "dek-3f9c0e1a5b7d4c2e8f6a1b0c9d8e7f60", Instant.parse("2026-05-01T09:12:44.051Z"), "req-7");
        byte[] bytes = EventSerdes.erasures().serialize(Topics.ERASURES, e);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"subjectId\":\"obama\",\"keyId\":\"dek-3f9c0e1a5b7d4c2e8f6a1b0c9d8e7f60\","
                        + "\"erasedAt\":\"2026-05-01T09:12:44.051Z\",\"requestId\":\"req-7\"}");
        assertThat(EventSerdes.erasures().deserialize(Topics.ERASURES, bytes)).isEqualTo(e);
        ErasureRecord none = new ErasureRecord("obama", null, e.erasedAt(), "req-8");
        assertThat(new String(EventSerdes.erasures().serialize(Topics.ERASURES, none), StandardCharsets.UTF_8))
                .doesNotContain("keyId");
    }

    @Test
    void galleryOutcomeV1JsonIsStable() {
        GalleryOutcome o = new GalleryOutcome(
                "req-1",
                "obama",
                GalleryCommand.ENROLL,
                GalleryOutcome.ENROLLED,
                null,
                Instant.parse("2026-05-01T08:00:00.310Z"),
                "facestream.gallery-commands.v1-2@41",
                "dek-3f9c0e1a5b7d4c2e8f6a1b0c9d8e7f60",
                Instant.parse("2026-05-01T08:00:00.080Z"),
                "yunet-w600k-int8",
                3,
                2,
                0,
                List.of("other.jpg"),
                true,
                "gallery-2-5b0e1c2d3f4a6b7c#17");
        byte[] bytes = EventSerdes.galleryOutcomes().serialize(Topics.GALLERY_OUTCOMES, o);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"requestId\":\"req-1\",\"subjectId\":\"obama\",\"action\":\"enroll\","
                                + "\"status\":\"enrolled\",\"appliedAt\":\"2026-05-01T08:00:00.310Z\","
                                + "\"command\":\"facestream.gallery-commands.v1-2@41\","
                                + "\"keyId\":\"dek-3f9c0e1a5b7d4c2e8f6a1b0c9d8e7f60\",\"enrolledAt\":\"2026-05-01T08:00:00.080Z\","
                                + "\"modelPackId\":\"yunet-w600k-int8\",\"templates\":3,\"added\":2,\"dropped\":0,"
                                + "\"outliers\":[\"other.jpg\"],\"hadRecord\":true,\"audit\":\"gallery-2-5b0e1c2d3f4a6b7c#17\"}");
        assertThat(EventSerdes.galleryOutcomes().deserialize(Topics.GALLERY_OUTCOMES, bytes))
                .isEqualTo(o);
        assertThatThrownBy(() -> GalleryOutcome.unapplied(
                        GalleryCommand.erase("req-2", "obama", o.appliedAt(), "user:dpo", Map.of()),
                        GalleryOutcome.ERASED,
                        "why",
                        o.appliedAt(),
                        o.command()))
                .hasMessageStartingWith("expected a message exactly when nothing changed");
    }

    @Test
    void anEraseCommandV1JsonIsStableAndAnEnrollmentCarriesSealedPhotosThatMustMatchIt() {
        Instant at = Instant.parse("2026-05-01T08:00:00.120Z");
        GalleryCommand erase = GalleryCommand.erase("req-9", "obama", at, "api-key:admin-1", Map.of("via", "api"));
        byte[] bytes = EventSerdes.galleryCommands().serialize(Topics.GALLERY_COMMANDS, erase);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"requestId\":\"req-9\",\"action\":\"erase\",\"subjectId\":\"obama\","
                        + "\"submittedAt\":\"2026-05-01T08:00:00.120Z\",\"actor\":\"api-key:admin-1\","
                        + "\"details\":{\"via\":\"api\"},\"rename\":false,\"maxTemplates\":0}");
        assertThat(EventSerdes.galleryCommands().deserialize(Topics.GALLERY_COMMANDS, bytes))
                .isEqualTo(erase);

        SealedGalleryRecord photos = new SealedGalleryRecord(
                "obama",
                "yunet-w600k-int8",
                512,
                1,
                at,
                SealedGalleryRecord.CIPHER,
                "dek-once",
                new byte[12],
                new byte[40]);
        SubjectKeyRecord once = new SubjectKeyRecord(
                "obama", "dek-once", "kek-1", SealedGalleryRecord.CIPHER, new byte[12], new byte[48], at);
        GalleryCommand enroll = GalleryCommand.enroll(
                "req-10", at, at.plusSeconds(15), "user:alice", Map.of("via", "cli"), false, 5, photos, once);
        assertThat(EventSerdes.galleryCommands()
                        .deserialize(
                                Topics.GALLERY_COMMANDS,
                                EventSerdes.galleryCommands().serialize(Topics.GALLERY_COMMANDS, enroll)))
                .isEqualTo(enroll);
        assertThatThrownBy(() -> GalleryCommand.enroll(
                        "req-11", at, at, "user:alice", Map.of("via", "cli"), false, 5, photos, once))
                .hasMessageStartingWith("expected an enrollment to expire after it was submitted");
        SubjectKeyRecord other = new SubjectKeyRecord(
                "obama", "dek-other", "kek-1", SealedGalleryRecord.CIPHER, new byte[12], new byte[48], at);
        assertThatThrownBy(() -> GalleryCommand.enroll(
                        "req-12", at, at.plusSeconds(15), "user:alice", Map.of("via", "cli"), false, 5, photos, other))
                .hasMessage("expected photos sealed under the key that travels with them (dek-other), found dek-once");
        assertThatThrownBy(() -> new GalleryCommand(
                        "req-13", "erase", "obama", at, null, "user:dpo", null, false, 0, photos, null))
                .hasMessageStartingWith("expected an erasure without expiry, rename, maxTemplates or photos");
    }

    @Test
    void thresholdStateWithRunAndTailAuditJsonIsStableAndAddsOnlyOptionalFields() {
        ThresholdState st = new ThresholdState(
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
                Instant.parse("2025-03-01T12:00:00Z"),
                List.of(0.39, 0.41),
                new ThresholdState.TailAudit(
                        2, 37, 0, 1, 12, false, List.of(new ThresholdState.CappedIdentity("Hank_Stram", 30))));
        byte[] bytes = EventSerdes.thresholds().serialize(Topics.THRESHOLDS, st);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"policyId\":\"default\",\"value\":0.41,\"rawValue\":0.43,"
                        + "\"version\":7,\"alpha\":0.01,\"level\":0.9996,\"galleryN\":150,\"cohortK\":30,\"samples\":5000,\"meanSmoothMax\":0.2,"
                        + "\"beta\":0.5,\"method\":\"empirical\",\"updatedAt\":\"2025-03-01T12:00:00Z\","
                        + "\"recentRaw\":[0.39,0.41],\"tail\":{\"cappedIdentities\":2,\"cappedScores\":37,\"cappedCameras\":0,"
                        + "\"excludedIdentities\":1,\"samePersonExclusions\":12,\"listExhausted\":false,"
                        + "\"topCapped\":[{\"identity\":\"Hank_Stram\",\"scores\":30}]}}");
        assertThat(EventSerdes.thresholds().deserialize(Topics.THRESHOLDS, bytes))
                .isEqualTo(st);
        // a state of an earlier version reads with neither
        ThresholdState old = EventSerdes.thresholds()
                .deserialize(
                        Topics.THRESHOLDS,
                        ("{\"policyId\":\"default\",\"value\":0.41,\"rawValue\":0.43,\"version\":7,\"alpha\":0.01,"
                                        + "\"level\":0.9996,\"galleryN\":150,\"cohortK\":30,\"samples\":5000,\"meanSmoothMax\":0.2,"
                                        + "\"beta\":0.5,\"method\":\"empirical\",\"updatedAt\":\"2025-03-01T12:00:00Z\"}")
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(old.recentRaw()).isNull();
        assertThat(old.tail()).isNull();
    }

    @Test
    void nullScoreReportWithATailRoundTripsAndItsV1FormStaysTheSame() {
        NullScoreReport r = new NullScoreReport(
                "matcher-1",
                "default",
                4,
                150,
                30,
                "AQAAIAAAAAAAAAAAAz/iZmZmZmZmgRABmRMBswYB",
                2,
                Instant.parse("2025-03-01T12:00:00Z"),
                160,
                31,
                new NullScoreTail(61, "AQA=", List.of("c7"), List.of("cam-2"), Map.of("c7", 3L), Map.of()),
                List.of(new CohortFlag("c5", "alice", 0.61)));
        String json = new String(EventSerdes.nullScores().serialize(Topics.NULL_SCORES, r), StandardCharsets.UTF_8);
        assertThat(json)
                .startsWith(
                        WireFixtures.NULL_SCORE_REPORT_V1.substring(0, WireFixtures.NULL_SCORE_REPORT_V1.length() - 1))
                .endsWith(",\"tail\":{\"usableIdentities\":61,\"entries\":\"AQA=\",\"identities\":[\"c7\"],"
                        + "\"cameras\":[\"cam-2\"],\"capped\":{\"c7\":3},\"samePerson\":{}},"
                        + "\"cohortFlags\":[{\"identity\":\"c5\",\"subjectId\":\"alice\",\"cosine\":0.61}]}");
        assertThat(EventSerdes.nullScores().deserialize(Topics.NULL_SCORES, json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(r);
    }
}
