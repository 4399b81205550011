package org.facestream.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Downloads a model file from its upstream URL into a models directory, verifying its sha256 before the
 * file is moved into place: a mismatch is refused and nothing is installed. A URL ending in {@code .zip}
 * (InsightFace packs) is downloaded and the entry named like the file is extracted. A file its pack does not
 * pin is installed only against a checksum the operator gives, which is then written beside it as {@code
 * FILE.sha256} ({@code sha256sum} format), so every later start verifies the file against it
 * ({@link ModelFiles#verify(ModelFile, Path)}). Thread-safe.
 */
public final class ModelPuller {
    private final HttpClient http;

    public ModelPuller() {
        this(HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build());
    }

    public ModelPuller(HttpClient http) {
        this.http = http;
    }

    /**
     * Installs {@code file} in {@code modelsDir} from {@code source} (normally {@code file.upstreamUrl()}).
     *
     * @param expectedSha256 the checksum to require: the file's pinned one, or one the operator supplies for an
     *     unpinned file; null refuses an unpinned file
     * @param progress receives the number of bytes downloaded so far
     * @return the installed path
     * @throws ModelFileException when the download fails, the entry is missing or the checksum differs
     */
    public Path pull(ModelFile file, URI source, String expectedSha256, Path modelsDir, LongConsumer progress) {
        String expected = expectedSha256 != null ? expectedSha256.toLowerCase(Locale.ROOT) : file.sha256();
        if (expected == null) {
            throw new ModelFileException(
                    "model file " + file.fileName() + ": expected a pinned sha256 or --sha256, found none; "
                            + "refusing to install an unverified file");
        }
        Path tmp = null;
        try {
            Files.createDirectories(modelsDir);
            tmp = Files.createTempFile(modelsDir, "." + file.fileName(), ".part");
            HttpResponse<InputStream> response = http.send(
                    HttpRequest.newBuilder(source)
                            .timeout(Duration.ofMinutes(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new ModelFileException("model file " + file.fileName() + ": expected HTTP 200 from " + source
                        + ", found " + response.statusCode());
            }
            try (InputStream body = new CountingStream(response.body(), progress)) {
                if (source.getPath().endsWith(".zip")) {
                    extract(body, file.fileName(), tmp, source);
                } else {
                    Files.copy(body, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String found = ModelFiles.sha256(tmp);
            if (!expected.equals(found)) {
                throw new ModelFileException("model file " + file.fileName() + " from " + source + ": expected sha256 "
                        + expected + ", found " + found + "; not installed");
            }
            Path target = modelsDir.resolve(file.fileName());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            if (file.sha256() == null) {
                Files.writeString(ModelFiles.operatorPin(file, modelsDir), expected + "  " + file.fileName() + "\n");
            }
            return target;
        } catch (IOException e) {
            throw new ModelFileException(
                    "model file " + file.fileName() + ": download from " + source + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFileException("model file " + file.fileName() + ": download interrupted", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover .part file is harmless and named as such
                }
            }
        }
    }

    private static void extract(InputStream body, String fileName, Path target, URI source) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(body)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (!e.isDirectory()
                        && Path.of(e.getName()).getFileName().toString().equals(fileName)) {
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                    return;
                }
            }
        }
        throw new ModelFileException(
                "model file " + fileName + ": expected it inside " + source + ", found no such entry");
    }

    /** Reports bytes read, for a progress bar. */
    private static final class CountingStream extends FilterInputStream {
        private final LongConsumer progress;
        private long count;

        CountingStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count += n;
                progress.accept(count);
            }
            return n;
        }
    }
}
