package org.facestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulling model files from a local HTTP server: verified files are installed, mismatches refused. */
class ModelPullerTest {
    @TempDir
    Path dir;

    HttpServer server;
    byte[] yunet;

    @BeforeEach
    void serve() throws Exception {
        yunet = Files.readAllBytes(SharedData.models().resolve("yunet-2026may.onnx"));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("pack/yunet-2026may.onnx"));
            z.write(yunet);
            z.closeEntry();
        }
        byte[] zipped = zip.toByteArray();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        server.createContext("/yunet.onnx", ex -> {
            ex.sendResponseHeaders(200, yunet.length);
            ex.getResponseBody().write(yunet);
            ex.close();
        });
        server.createContext("/tampered.onnx", ex -> {
            byte[] bad = yunet.clone();
            bad[1000] ^= 1;
            ex.sendResponseHeaders(200, bad.length);
            ex.getResponseBody().write(bad);
            ex.close();
        });
        server.createContext("/pack.zip", ex -> {
            ex.sendResponseHeaders(200, zipped.length);
            ex.getResponseBody().write(zipped);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static ModelFile yunetFile() {
        return ModelPacks.YUNET_W600K_INT8.detector();
    }

    @Test
    void installsAFileWhoseChecksumMatches() {
        long[] seen = {0};
        Path p = new ModelPuller().pull(yunetFile(), url("/yunet.onnx"), null, dir, b -> seen[0] = b);
        assertThat(p).isEqualTo(dir.resolve("yunet-2026may.onnx"));
        assertThat(ModelFiles.verify(yunetFile(), dir))
                .isEqualTo(p.toAbsolutePath().normalize());
        assertThat(seen[0]).isEqualTo(yunet.length);
    }

    @Test
    void refusesATamperedFileAndInstallsNothing() throws Exception {
        assertThatThrownBy(() -> new ModelPuller().pull(yunetFile(), url("/tampered.onnx"), null, dir, b -> {}))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("expected sha256 " + yunetFile().sha256())
                .hasMessageEndingWith("; not installed");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void extractsTheNamedEntryFromAZipPack() {
        Path p = new ModelPuller().pull(yunetFile(), url("/pack.zip"), null, dir, b -> {});
        assertThat(ModelFiles.verify(yunetFile(), dir))
                .isEqualTo(p.toAbsolutePath().normalize());
    }

    @Test
    void refusesAnUnpinnedFileWithoutAnOperatorChecksum() {
        ModelFile unpinned = new ModelFile("x.onnx", null, url("/yunet.onnx").toString());
        assertThatThrownBy(() -> new ModelPuller().pull(unpinned, url("/yunet.onnx"), null, dir, b -> {}))
                .hasMessageContaining("expected a pinned sha256 or --sha256, found none");
        Path p =
                new ModelPuller().pull(unpinned, url("/yunet.onnx"), yunetFile().sha256(), dir, b -> {});
        assertThat(p.getFileName().toString()).isEqualTo("x.onnx");
    }

    @Test
    void anOperatorChecksumPinsAnUnpinnedFileForEveryLaterStart() throws Exception {
        ModelFile unpinned = new ModelFile("x.onnx", null, url("/yunet.onnx").toString());
        assertThatThrownBy(() -> ModelFiles.verify(unpinned, dir))
                .hasMessageContaining("expected a pinned sha256, found none")
                .hasMessageContaining("models pull PACK --sha256 x.onnx=HEX");
        new ModelPuller().pull(unpinned, url("/yunet.onnx"), yunetFile().sha256(), dir, b -> {});
        assertThat(Files.readString(dir.resolve("x.onnx.sha256")))
                .isEqualTo(yunetFile().sha256() + "  x.onnx\n");
        assertThat(ModelFiles.verify(unpinned, dir))
                .isEqualTo(dir.resolve("x.onnx").toAbsolutePath());
        // the file swapped afterwards is refused at the next start, as a pinned one would be
        byte[] other = yunet.clone();
        other[1000] ^= 1;
        FileTime before = Files.getLastModifiedTime(dir.resolve("x.onnx"));
        Files.write(dir.resolve("x.onnx"), other);
        // a later modification time, whatever the file system's clock granularity (the hash cache keys on it)
        Files.setLastModifiedTime(dir.resolve("x.onnx"), FileTime.fromMillis(before.toMillis() + 2000));
        assertThatThrownBy(() -> ModelFiles.verify(unpinned, dir))
                .hasMessageContaining("expected sha256 " + yunetFile().sha256());
    }
}
