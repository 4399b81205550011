package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.facestream.api.ApiKeys;
import org.facestream.api.Role;
import org.facestream.crypto.MasterKey;
import org.facestream.testing.CliRun;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands fail with one clear message (exit 1), never a stack trace, on bad set-up. */
class CommandErrorsTest {
    @TempDir
    Path dir;

    @TempDir
    Path keysDir;

    /** A master key file, so commands that need one get past that check. */
    private String masterKey() {
        Path file = keysDir.resolve("master.key");
        if (!Files.exists(file)) {
            MasterKey.generate().write(file);
        }
        return "security.master.key.file=" + file;
    }

    @Test
    void enrollAgainstAnUnreachableBrokerFailsWithOneClearMessage() {
        CliRun r = CliRun.run(
                "enroll",
                "--bootstrap",
                "127.0.0.1:9",
                "--models",
                SharedData.models().toString(),
                "-D",
                masterKey(),
                "--subject",
                "obama",
                SharedData.face("people/obama/obama.jpg").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("facestream enroll: Kafka at 127.0.0.1:9 is unreachable");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void aModelFileWithTheWrongChecksumIsRefusedByName() throws Exception {
        Files.writeString(dir.resolve("yunet-2026may.onnx"), "not a model");
        Files.copy(
                SharedData.models().resolve("arcface-w600k-mbf-int8.onnx"), dir.resolve("arcface-w600k-mbf-int8.onnx"));
        CliRun r = CliRun.run(
                "enroll",
                "--models",
                dir.toString(),
                "-D",
                masterKey(),
                "--subject",
                "obama",
                SharedData.face("people/obama/obama.jpg").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .contains("model file yunet-2026may.onnx in "
                        + dir.toAbsolutePath().normalize() + ": expected sha256 ebafce4e");
    }

    @Test
    void aMissingModelDirectoryIsNamed() {
        CliRun r = CliRun.run(
                "enroll",
                "--models",
                dir.resolve("nope").toString(),
                "-D",
                masterKey(),
                "--subject",
                "a",
                SharedData.face("people/obama/obama.jpg").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("expected model directory " + dir.resolve("nope").toAbsolutePath()
                        + " to exist, found nothing there");
    }

    @Test
    void invalidConfigurationListsEveryBadKey() {
        CliRun r = CliRun.run("config", "show", "-D", "ingest.fps=-1", "-D", "matcher.top.k=0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("ingest.fps: Invalid value -1").contains("matcher.top.k: Invalid value 0");
    }

    @Test
    void demoRefusesAnEnrollmentPhotoThatDoesNotExist() {
        CliRun r = CliRun.run(
                "demo",
                "--models",
                SharedData.models().toString(),
                "--video",
                "x.mp4",
                "--enroll",
                "a=/no/such.jpg",
                "--until-end");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--enroll a: expected an image file at /no/such.jpg, found nothing");
    }

    @Test
    void rolesThatReadOrWriteTemplatesRefuseToStartWithoutAMasterKeyAndNameTheKey() throws Exception {
        String expected =
                "security.master.key.file: expected the master key file that encrypts the gallery, which the %s needs, found none"
                        + " configured (-D security.master.key.file=FILE or env FACESTREAM_SECURITY_MASTER_KEY_FILE; facestream keys create --out FILE makes one)";
        CliRun enroll = CliRun.run(
                "enroll",
                "--bootstrap",
                "127.0.0.1:9",
                "--subject",
                "a",
                SharedData.face("people/obama/obama.jpg").toString());
        assertThat(enroll.exit()).isEqualTo(2);
        assertThat(enroll.err())
                .contains(String.format(expected, "enroll command"))
                .doesNotContain("\tat ");
        CliRun matcher = CliRun.run("matcher", "--bootstrap", "127.0.0.1:9");
        assertThat(matcher.exit()).isEqualTo(2);
        assertThat(matcher.err()).contains(String.format(expected, "matcher"));
        // the API checks its key file first; with one, the master key is what it lacks
        Path apiKeys = Files.writeString(
                keysDir.resolve("api-keys.txt"), ApiKeys.line("admin-1", Role.ADMIN, ApiKeys.mint()) + "\n");
        CliRun api = CliRun.run("api", "--bootstrap", "127.0.0.1:9", "--keys", apiKeys.toString());
        assertThat(api.exit()).isEqualTo(2);
        assertThat(api.err()).contains(String.format(expected, "api"));
    }

    @Test
    void aMasterKeyFileThatHoldsNoKeyIsNamedWithItsConfigKey() throws Exception {
        Path bad = Files.writeString(keysDir.resolve("bad.key"), "hunter2 is not a key\n");
        CliRun r = CliRun.run(
                "matcher",
                "--bootstrap",
                "127.0.0.1:9",
                "-D",
                "security.master.key.file=" + bad,
                "-D",
                "security.master.key.previous.files=" + keysDir.resolve("gone.key"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("security.master.key.file: expected base64 in master key file " + bad
                        + ", found text that is not base64")
                .contains("security.master.key.previous.files: expected a master key file at "
                        + keysDir.resolve("gone.key") + ", found nothing there")
                .doesNotContain("hunter2");
    }

    @Test
    void keysCreateWritesAKeyThatIsNeverOverwritten() {
        Path file = keysDir.resolve("new.key");
        CliRun created = CliRun.run("keys", "create", "--out", file.toString());
        assertThat(created.exit()).isZero();
        assertThat(created.err())
                .containsPattern(
                        "master key kek-[0-9a-f]{16} written to " + java.util.regex.Pattern.quote(file.toString()));
        assertThat(MasterKey.read(file).id()).matches("kek-[0-9a-f]{16}");
        CliRun again = CliRun.run("keys", "create", "--out", file.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err())
                .contains("expected no file at " + file + " (a master key is never overwritten), found one");
        assertThat(CliRun.run("keys", "show", "-D", "security.master.key.file=" + file)
                        .exit())
                .isZero();
    }
}
