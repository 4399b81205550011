package org.facestream.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.Topics;
import org.facestream.events.WireFixtures;
import org.facestream.testing.Bytes;
import org.junit.jupiter.api.Test;

class GalleryCipherTest {
    private static final String PACK = "yunet-w600k-int8";
    private final GalleryCipher cipher = new GalleryCipher();
    private final SubjectKey aliceKey = SubjectKey.generate("alice");
    private final GalleryRecord alice =
            WireFixtures.galleryRecord("alice", PACK, WireFixtures.unitVector(1, 512), WireFixtures.unitVector(2, 512));

    @Test
    void sealedRecordOpensToTheSameRecordAndKeepsEmbeddingsExactly() {
        SealedGalleryRecord sealed = cipher.seal(alice, aliceKey);
        assertThat(sealed.subjectId()).isEqualTo("alice");
        assertThat(sealed.keyId()).isEqualTo(aliceKey.keyId());
        assertThat(sealed.templateCount()).isEqualTo(2);
        assertThat(sealed.dimension()).isEqualTo(512);
        GalleryRecord back = cipher.open(sealed, aliceKey);
        assertThat(back).isEqualTo(alice);
        assertThat(back.templates().get(1).embedding()).containsExactly(WireFixtures.unitVector(2, 512));
    }

    @Test
    void theSerializedRecordShowsNoEmbeddingSourceOrName() {
        GalleryRecord named = new GalleryRecord("s-17", "Alice Example", alice.templates(), PACK, WireFixtures.T0);
        byte[] json = EventSerdes.gallery().serialize(Topics.GALLERY, cipher.seal(named, SubjectKey.generate("s-17")));
        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(text)
                .doesNotContain("Alice Example")
                .doesNotContain("alice.jpg")
                .doesNotContain("embedding")
                .doesNotContain(Float.toString(alice.templates().get(0).embedding()[0]));
        assertThat(Bytes.indexOf(
                        json, Bytes.littleEndian(alice.templates().get(0).embedding(), 4)))
                .isEqualTo(-1);
        assertThat(Bytes.indexOf(json, Bytes.bigEndian(alice.templates().get(0).embedding(), 4)))
                .isEqualTo(-1);
    }

    @Test
    void twoSealsOfOneRecordDifferInNonceAndCiphertext() {
        SealedGalleryRecord a = cipher.seal(alice, aliceKey);
        SealedGalleryRecord b = cipher.seal(alice, aliceKey);
        assertThat(a.nonce()).isNotEqualTo(b.nonce());
        assertThat(a.ciphertext()).isNotEqualTo(b.ciphertext());
    }

    @Test
    void aFlippedCiphertextByteDoesNotAuthenticate() {
        SealedGalleryRecord sealed = cipher.seal(alice, aliceKey);
        byte[] c = sealed.ciphertext();
        c[c.length / 2] ^= 0x01;
        SealedGalleryRecord tampered = copy(sealed, sealed.subjectId(), sealed.templateCount(), sealed.keyId(), c);
        assertThatThrownBy(() -> cipher.open(tampered, aliceKey))
                .isInstanceOf(DecryptionException.class)
                .hasMessage(
                        "gallery record of subject alice does not authenticate under its data key " + aliceKey.keyId()
                                + ": its ciphertext or a clear field was changed, or it was sealed for another subject");
    }

    @Test
    void aChangedClearFieldDoesNotAuthenticate() {
        SealedGalleryRecord sealed = cipher.seal(alice, aliceKey);
        SealedGalleryRecord fewer = copy(sealed, "alice", 1, sealed.keyId(), sealed.ciphertext());
        assertThatThrownBy(() -> cipher.open(fewer, aliceKey))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("does not authenticate");
        SealedGalleryRecord otherPack = new SealedGalleryRecord(
                "alice",
                "other-pack",
                512,
                2,
                sealed.enrolledAt(),
                sealed.cipher(),
                sealed.keyId(),
                sealed.nonce(),
                sealed.ciphertext());
        assertThatThrownBy(() -> cipher.open(otherPack, aliceKey))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("does not authenticate");
    }

    @Test
    void ciphertextMovedToAnotherSubjectDoesNotOpenUnderThatSubjectsKey() {
        SealedGalleryRecord sealed = cipher.seal(alice, aliceKey);
        SubjectKey bobKey = SubjectKey.generate("bob");
        // the naive move keeps alice's key id: bob's key is not the key it names
        assertThatThrownBy(() -> cipher.open(sealed.withSubjectId("bob"), bobKey))
                .isInstanceOf(DecryptionException.class)
                .hasMessage("gallery record of subject bob is sealed under data key " + aliceKey.keyId()
                        + ", found key " + bobKey.keyId() + " of subject bob");
        // the careful move names bob's key too: the subject and key are authenticated, so it fails there
        SealedGalleryRecord moved = copy(sealed, "bob", 2, bobKey.keyId(), sealed.ciphertext());
        assertThatThrownBy(() -> cipher.open(moved, bobKey))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("does not authenticate");
    }

    @Test
    void anotherKeyUnderTheSameIdDoesNotAuthenticate() {
        SealedGalleryRecord sealed = cipher.seal(alice, aliceKey);
        byte[] other = aliceKey.material();
        other[0] ^= 0x55;
        SubjectKey forged = new SubjectKey("alice", aliceKey.keyId(), other);
        assertThatThrownBy(() -> cipher.open(sealed, forged))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("does not authenticate");
    }

    @Test
    void aTruncatedCiphertextIsRefusedAtEveryLength() {
        SealedGalleryRecord sealed = cipher.seal(alice, aliceKey);
        byte[] c = sealed.ciphertext();
        for (int len = 0; len < c.length; len += 97) {
            byte[] cut = Arrays.copyOf(c, len);
            if (len <= SealedGalleryRecord.TAG_BYTES) {
                assertThatThrownBy(() -> copy(sealed, "alice", 2, sealed.keyId(), cut))
                        .hasMessage("expected a ciphertext longer than the 16-byte GCM tag, found " + len + " bytes");
            } else {
                assertThatThrownBy(() -> cipher.open(copy(sealed, "alice", 2, sealed.keyId(), cut), aliceKey))
                        .isInstanceOf(DecryptionException.class)
                        .hasMessageContaining("does not authenticate");
            }
        }
    }

    @Test
    void sealingWithAnotherSubjectsKeyIsRefused() {
        assertThatThrownBy(() -> cipher.seal(alice, SubjectKey.generate("bob")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected the data key of subject alice, found the key of bob");
    }

    /** Golden v1 bytes: a fixed key and nonce give fixed JSON; the AAD layout is part of the format. */
    @Test
    void sealedRecordV1BytesAreStable() {
        byte[] material = new byte[32];
        for (int i = 0; i < 32; i++) {
            material[i] = (byte) (i + 1);
        }
        SubjectKey key = new SubjectKey("s", "dek-00000000000000000000000000000001", material);
        GalleryCipher fixed = new GalleryCipher(new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (0xA0 + i);
                }
            }
        });
        GalleryRecord r = WireFixtures.galleryRecord("s", "p", new float[] {0.6f, 0.8f});
        SealedGalleryRecord sealed = fixed.seal(r, key);
        assertThat(new String(GalleryCipher.aad(sealed), StandardCharsets.UTF_8))
                .isEqualTo(
                        "facestream.gallery.v1\ns\np\n2\n1\n2026-11-23T09:00:00.123456789Z\nAES-256-GCM\ndek-00000000000000000000000000000001");
        String json = new String(EventSerdes.gallery().serialize(Topics.GALLERY, sealed), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(GOLDEN);
        assertThat(fixed.open(
                        EventSerdes.gallery().deserialize(Topics.GALLERY, GOLDEN.getBytes(StandardCharsets.UTF_8)),
                        key))
                .isEqualTo(r);
    }

    private static final String GOLDEN =
            "{\"subjectId\":\"s\",\"modelPackId\":\"p\",\"dimension\":2,\"templateCount\":1,\"enrolledAt\":\"2026-11-23T09:00:00.123456789Z\",\"cipher\":\"AES-256-GCM\",\"keyId\":\"dek-00000000000000000000000000000001\",\"nonce\":\"oKGio6Slpqeoqaqr\",\"ciphertext\":\""
                    + "wvNZD47FNmUGQMMGlKcapiT1nDssDQ30SzqhmCFs4m5K8/yljbfUUEQYp7ucbX4JL5pA6vTG0vc7i/aCoVMlUo4xjY7eTG7d+OEz"
                    + "lW6zj6bvpW1pHJMmE6qGqUi0pDrTYfw4bW/Ya4WG4CACFhSzpZS+OAWBqP7r9tZmgd9rEKaS7DSPX6CYgGNPw3YgDNqKxwrsBZSn"
                    + "NBYFa7csBltvexHktvkp9k93AY1abwEZ/2Zatja7Ji/8BlbjLkQSmcMwT3WNxsLr1f4KwRObpr4IbjJgjDGurKxWVD/VzFIO9g=="
                    + "\"}";

    private static SealedGalleryRecord copy(
            SealedGalleryRecord s, String subject, int templates, String keyId, byte[] ciphertext) {
        return new SealedGalleryRecord(
                subject,
                s.modelPackId(),
                s.dimension(),
                templates,
                s.enrolledAt(),
                s.cipher(),
                keyId,
                s.nonce(),
                ciphertext);
    }
}
