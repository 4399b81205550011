package org.facestream.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
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
                "cam-1/4/1",
                "obama",
                0.61,
                "obama",
                new ThresholdRef(0.35, 0, "fixed"),
                "cam-1",
                4,
                1,
                WireFixtures.T0,
                WireFixtures.T0.plusMillis(200),
                new BoundingBox(1, 2, 30, 40),
                WireFixtures.quality(),
                "pack",
                3,
                List.of(new IdentityEvent.Candidate("obama", 0.61), new IdentityEvent.Candidate("biden", 0.05)));
        byte[] bytes = EventSerdes.identities().serialize(Topics.IDENTITIES, e);
        var tree = Json.MAPPER.readTree(bytes);
        assertThat(tree.get("specversion").asText()).isEqualTo("1.0");
        assertThat(tree.get("type").asText()).isEqualTo("org.facestream.identity.v1");
        assertThat(tree.get("subject").asText()).isEqualTo("obama");
        assertThat(tree.get("id").asText()).isEqualTo("cam-1/4/1");
        assertThat(tree.get("source").asText()).isEqualTo("/facestream/matcher/cam-1");
        assertThat(tree.get("data").has("embedding")).isFalse();
        assertThat(EventSerdes.identities().deserialize(Topics.IDENTITIES, bytes))
                .isEqualTo(e);
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
}
