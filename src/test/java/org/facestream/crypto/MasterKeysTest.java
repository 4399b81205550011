package org.facestream.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.facestream.events.SubjectKeyRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeysTest {
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;

    @Test
    void aWrappedKeyUnwrapsToTheSameKey() {
        MasterKeys keys = MasterKeys.ephemeral();
        SubjectKey k = SubjectKey.generate("alice");
        SubjectKeyRecord wrapped = keys.wrap(k, T);
        assertThat(wrapped.subjectId()).isEqualTo("alice");
        assertThat(wrapped.keyId()).isEqualTo(k.keyId()).startsWith("dek-").hasSize(36);
        assertThat(wrapped.kekId()).isEqualTo(keys.current().id()).matches("kek-[0-9a-f]{16}");
        assertThat(wrapped.wrappedKey()).hasSize(48).isNotEqualTo(k.material());
        SubjectKey back = keys.unwrap(wrapped);
        assertThat(back.keyId()).isEqualTo(k.keyId());
        assertThat(back.material()).isEqualTo(k.material());
    }

    @Test
    void aKeyWrappedUnderAnUnconfiguredMasterKeyNamesBoth() {
        MasterKeys writer = MasterKeys.ephemeral();
        MasterKeys reader = MasterKeys.ephemeral();
        SubjectKeyRecord wrapped = writer.wrap(SubjectKey.generate("alice"), T);
        assertThatThrownBy(() -> reader.unwrap(wrapped))
                .isInstanceOf(DecryptionException.class)
                .hasMessage("data key " + wrapped.keyId() + " of subject alice is wrapped under master key "
                        + writer.current().id() + ", which is not configured (found "
                        + reader.current().id() + ")");
    }

    @Test
    void aWrappedKeyMovedToAnotherSubjectOrTamperedDoesNotAuthenticate() {
        MasterKeys keys = MasterKeys.ephemeral();
        SubjectKeyRecord w = keys.wrap(SubjectKey.generate("alice"), T);
        SubjectKeyRecord moved =
                new SubjectKeyRecord("bob", w.keyId(), w.kekId(), w.cipher(), w.nonce(), w.wrappedKey(), w.createdAt());
        assertThatThrownBy(() -> keys.unwrap(moved))
                .isInstanceOf(DecryptionException.class)
                .hasMessage("data key " + w.keyId() + " of subject bob does not authenticate under master key "
                        + w.kekId() + ": it was changed, or wrapped for another subject");
        byte[] flipped = w.wrappedKey();
        flipped[3] ^= 0x10;
        SubjectKeyRecord tampered =
                new SubjectKeyRecord("alice", w.keyId(), w.kekId(), w.cipher(), w.nonce(), flipped, w.createdAt());
        assertThatThrownBy(() -> keys.unwrap(tampered))
                .isInstanceOf(DecryptionException.class)
                .hasMessageContaining("does not authenticate");
    }

    @Test
    void afterRotationThePreviousMasterKeyStillUnwrapsAndNewKeysUseTheCurrentOne() {
        MasterKey old = MasterKey.generate();
        MasterKey fresh = MasterKey.generate();
        SubjectKeyRecord before = MasterKeys.of(old).wrap(SubjectKey.generate("alice"), T);
        MasterKeys rotated = new MasterKeys(fresh, List.of(old));
        assertThat(rotated.unwrap(before).keyId()).isEqualTo(before.keyId());
        assertThat(rotated.wrap(SubjectKey.generate("bob"), T).kekId()).isEqualTo(fresh.id());
        assertThat(rotated.ids()).containsExactly(fresh.id(), old.id());
        assertThatThrownBy(() -> new MasterKeys(fresh, List.of(fresh)))
                .hasMessage("expected distinct master keys, found " + fresh.id() + " twice");
    }

    @Test
    void aKeyFileWrittenReadsBackWithTheSameIdAndOnlyItsOwnerMayReadIt() throws Exception {
        MasterKey k = MasterKey.generate();
        Path file = dir.resolve("master.key");
        k.write(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("# FaceStream master key " + k.id());
        MasterKey back = MasterKey.read(file);
        assertThat(back.id()).isEqualTo(k.id());
        assertThat(back.secret().getEncoded()).isEqualTo(k.secret().getEncoded());
        assertThat(k.toString()).isEqualTo("MasterKey[" + k.id() + "]");
        assertThatThrownBy(() -> MasterKey.generate().write(file))
                .hasMessage("expected no file at " + file + " (a master key is never overwritten), found one");
    }

    @Test
    void keyFileProblemsAreNamedClearly() throws Exception {
        Path missing = dir.resolve("none.key");
        assertThatThrownBy(() -> MasterKey.read(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a master key file at " + missing
                        + ", found nothing there (facestream keys create makes one)");
        Path empty = Files.writeString(dir.resolve("empty.key"), "# only a comment\n\n");
        assertThatThrownBy(() -> MasterKey.read(empty))
                .hasMessage("expected one line of base64 (32 random bytes) in master key file " + empty
                        + ", found no key line");
        Path two = Files.writeString(dir.resolve("two.key"), "AAAA\nBBBB\n");
        assertThatThrownBy(() -> MasterKey.read(two))
                .hasMessage(
                        "expected one line of base64 (32 random bytes) in master key file " + two + ", found 2 lines");
        Path notBase64 = Files.writeString(dir.resolve("text.key"), "this is not base64!\n");
        assertThatThrownBy(() -> MasterKey.read(notBase64))
                .hasMessage("expected base64 in master key file " + notBase64 + ", found text that is not base64");
        Path shortKey =
                Files.writeString(dir.resolve("short.key"), Base64.getEncoder().encodeToString(new byte[16]) + "\n");
        assertThatThrownBy(() -> MasterKey.read(shortKey))
                .hasMessage(
                        "expected a 256-bit master key (32 bytes as base64) in file " + shortKey + ", found 16 bytes");
    }
}
