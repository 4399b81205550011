package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands fail with one clear message (exit 1), never a stack trace, on bad set-up. */
class CommandErrorsTest {
  @TempDir Path dir;

  private record Result(int exit, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = FaceStreamCli.execute(args);
      return new Result(exit, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void enrollAgainstAnUnreachableBrokerFailsWithOneClearMessage() {
    Result r = run("enroll", "--bootstrap", "127.0.0.1:9", "--models", SharedData.models().toString(),
        "--subject", "obama", SharedData.face("people/obama/obama.jpg").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("facestream enroll: Kafka at 127.0.0.1:9 is unreachable");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void aModelFileWithTheWrongChecksumIsRefusedByName() throws Exception {
    Files.writeString(dir.resolve("yunet-2026may.onnx"), "not a model");
    Files.copy(SharedData.models().resolve("arcface-w600k-mbf-int8.onnx"), dir.resolve("arcface-w600k-mbf-int8.onnx"));
    Result r = run("enroll", "--models", dir.toString(), "--subject", "obama", SharedData.face("people/obama/obama.jpg").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("model file yunet-2026may.onnx in " + dir.toAbsolutePath().normalize() + ": expected sha256 ebafce4e");
  }

  @Test
  void aMissingModelDirectoryIsNamed() {
    Result r = run("enroll", "--models", dir.resolve("nope").toString(), "--subject", "a", SharedData.face("people/obama/obama.jpg").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("expected model directory " + dir.resolve("nope").toAbsolutePath() + " to exist, found nothing there");
  }

  @Test
  void invalidConfigurationListsEveryBadKey() {
    Result r = run("config", "show", "-D", "ingest.fps=-1", "-D", "matcher.top.k=0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("ingest.fps: Invalid value -1").contains("matcher.top.k: Invalid value 0");
  }

  @Test
  void demoRefusesAnEnrollmentPhotoThatDoesNotExist() {
    Result r = run("demo", "--models", SharedData.models().toString(), "--video", "x.mp4", "--enroll", "a=/no/such.jpg", "--until-end");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--enroll a: expected an image file at /no/such.jpg, found nothing");
  }
}
