package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.facestream.detect.DetectedFace;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceQuality;
import org.facestream.vision.AnalyzedFace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
    @TempDir
    Path dir;

    private ImageFace face(Path image, float first) {
        float[] e = new float[8];
        e[0] = first;
        e[1] = (float) Math.sqrt(1 - first * first);
        AnalyzedFace f = new AnalyzedFace(
                new DetectedFace(new BoundingBox(10, 20, 30, 40), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9f),
                new FaceQuality(0.9f, 31, 120, -3, 1, 21),
                e,
                null);
        return new ImageFace(image, 250, 250, f, 1);
    }

    @Test
    void facesComeBackUntilTheirImageOrTheSettingsChange() throws Exception {
        Path a = Files.write(dir.resolve("a.jpg"), new byte[] {1, 2, 3});
        Path b = Files.write(dir.resolve("b.jpg"), new byte[] {4, 5});
        Path file = dir.resolve("cache.bin");
        EmbeddingCache cache = EmbeddingCache.open(file, "pack=x size=320", null);
        assertThat(cache.size()).isZero();
        cache.put(face(a, 0.6f));
        cache.put(face(b, 0.8f));
        cache.save();

        EmbeddingCache again = EmbeddingCache.open(file, "pack=x size=320", null);
        assertThat(again.size()).isEqualTo(2);
        ImageFace read = again.get(a);
        assertThat(read.face()).isEqualTo(face(a, 0.6f).face());
        assertThat(read.image()).isEqualTo(a);
        assertThat(read.detectedFaces()).isEqualTo(1);

        Files.write(b, new byte[] {4, 5, 6}); // the photo changed: embed it again
        assertThat(again.get(b)).isNull();
        Files.setLastModifiedTime(
                a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() + 5_000));
        assertThat(again.get(a)).isNull();

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EmbeddingCache other =
                EmbeddingCache.open(file, "pack=y size=640", new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(other.size()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("holds embeddings of other settings (pack=x size=320)");
    }

    @Test
    void aFileThatIsNotACacheIsIgnoredWithAMessageAndATruncatedOneTooAndRewritten() throws Exception {
        Path a = Files.write(dir.resolve("a.jpg"), new byte[] {1});
        Path file = Files.writeString(dir.resolve("cache.bin"), "hello");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EmbeddingCache cache = EmbeddingCache.open(file, "s", new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(cache.size()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("truncated or corrupt");
        cache.put(face(a, 0.6f));
        cache.save();
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 7));
        assertThat(EmbeddingCache.open(file, "s", null).size()).isZero();
    }

    @Test
    void degradationsParseAndRefuseOutOfRangeStrengths() {
        assertThat(ImageDegradation.parse("blur:2.5")).isEqualTo(new ImageDegradation(ImageDegradation.Kind.BLUR, 2.5));
        assertThat(ImageDegradation.parse(" Downscale:6 ").toString()).isEqualTo("downscale:6.0");
        assertThat(ImageDegradation.parse("none")).isEqualTo(ImageDegradation.NONE);
        assertThatThrownBy(() -> ImageDegradation.parse("dark:1.5"))
                .hasMessage("expected a dark strength in (0, 1) (brightness factor), found 1.5");
        assertThatThrownBy(() -> ImageDegradation.parse("fog:2"))
                .hasMessage("expected blur, dark or downscale, found 'fog'");
        assertThatThrownBy(() -> ImageDegradation.parse("blur")).hasMessageStartingWith("expected blur:SIGMA");
        assertThatThrownBy(() -> ImageDegradation.parse("blur:x"))
                .hasMessage("expected a number after 'blur:', found 'x'");
    }
}
