package org.facestream.eval;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.facestream.detect.DetectedFace;
import org.facestream.events.BoundingBox;
import org.facestream.events.FaceQuality;
import org.facestream.vision.AnalyzedFace;

/**
 * A file of already computed {@link ImageFace}s, so that an evaluation repeated with other seeds, targets or
 * drift settings embeds each image once. An entry is reused only while its image keeps the size and
 * modification time it had, and the whole file only for the same analysis settings (model pack, detector
 * input, flip, face rule): anything else is embedded again. Thumbnails are not kept.
 *
 * <p>The file is binary (a magic, the settings, then one entry per image) and is replaced atomically when
 * written. A file that is not a cache, or of other settings, is ignored with a message, never trusted.
 * Not thread-safe.
 */
public final class EmbeddingCache {
    private static final String MAGIC = "facestream-embedding-cache-v1";

    private final Path file;
    private final String settings;
    private final Map<Path, Entry> entries = new HashMap<>();

    private record Entry(long size, long modified, ImageFace face) {}

    private EmbeddingCache(Path file, String settings) {
        this.file = file;
        this.settings = settings;
    }

    /**
     * Opens {@code file}, reading its entries when it exists and was written with {@code settings}.
     *
     * @param settings a description of everything that changes the embeddings (pack, detector size, flip, rule)
     * @param log where a reason to ignore the file goes, or null
     */
    public static EmbeddingCache open(Path file, String settings, PrintStream log) {
        EmbeddingCache cache = new EmbeddingCache(file, settings);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!MAGIC.equals(in.readUTF())) {
                warn(log, file + " is not an embedding cache; it will be rewritten");
                return cache;
            }
            String written = in.readUTF();
            if (!settings.equals(written)) {
                warn(log, file + " holds embeddings of other settings (" + written + "); embedding again");
                return cache;
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                Path image = Path.of(in.readUTF());
                long size = in.readLong();
                long modified = in.readLong();
                cache.entries.put(image, new Entry(size, modified, readFace(in, image)));
            }
        } catch (NoSuchFileException e) {
            return cache;
        } catch (EOFException | RuntimeException e) {
            warn(log, file + " is truncated or corrupt (" + e + "); embedding again");
            cache.entries.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedding cache " + file, e);
        }
        return cache;
    }

    /** The cached face of {@code image}, or null when absent or the image changed since. */
    public ImageFace get(Path image) {
        Path key = image.toAbsolutePath().normalize();
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        try {
            if (Files.size(key) != e.size() || Files.getLastModifiedTime(key).toMillis() != e.modified()) {
                return null;
            }
        } catch (IOException ex) {
            return null;
        }
        return new ImageFace(
                image,
                e.face().width(),
                e.face().height(),
                e.face().face(),
                e.face().detectedFaces());
    }

    /** Records {@code face} for its image (written by {@link #save}). */
    public void put(ImageFace face) {
        Path key = face.image().toAbsolutePath().normalize();
        try {
            entries.put(
                    key,
                    new Entry(Files.size(key), Files.getLastModifiedTime(key).toMillis(), face));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + key, e);
        }
    }

    /** Entries held. */
    public int size() {
        return entries.size();
    }

    /** Writes every entry to the file, replacing it atomically. */
    public void save() {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeUTF(MAGIC);
                out.writeUTF(settings);
                out.writeInt(entries.size());
                for (Map.Entry<Path, Entry> e : entries.entrySet()) {
                    out.writeUTF(e.getKey().toString());
                    out.writeLong(e.getValue().size());
                    out.writeLong(e.getValue().modified());
                    writeFace(out, e.getValue().face());
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write embedding cache " + file, e);
        }
    }

    private static void writeFace(DataOutputStream out, ImageFace f) throws IOException {
        out.writeInt(f.width());
        out.writeInt(f.height());
        out.writeInt(f.detectedFaces());
        DetectedFace d = f.face().face();
        BoundingBox b = d.box();
        out.writeFloat(b.x());
        out.writeFloat(b.y());
        out.writeFloat(b.width());
        out.writeFloat(b.height());
        for (float v : d.landmarks()) {
            out.writeFloat(v);
        }
        out.writeFloat(d.score());
        FaceQuality q = f.face().quality();
        out.writeFloat(q.detectorScore());
        out.writeFloat(q.interOcularPx());
        out.writeFloat(q.sharpness());
        out.writeFloat(q.yawDegrees());
        out.writeFloat(q.rollDegrees());
        out.writeFloat(q.embeddingNorm());
        float[] e = f.face().embedding();
        out.writeInt(e.length);
        for (float v : e) {
            out.writeFloat(v);
        }
    }

    private static ImageFace readFace(DataInputStream in, Path image) throws IOException {
        int width = in.readInt();
        int height = in.readInt();
        int detected = in.readInt();
        BoundingBox box = new BoundingBox(in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat());
        float[] landmarks = new float[10];
        for (int i = 0; i < landmarks.length; i++) {
            landmarks[i] = in.readFloat();
        }
        DetectedFace face = new DetectedFace(box, landmarks, in.readFloat());
        FaceQuality quality = new FaceQuality(
                in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat());
        int dim = in.readInt();
        if (dim < 1 || dim > 65_536) {
            throw new IllegalArgumentException("expected an embedding length in [1, 65536], found " + dim);
        }
        float[] embedding = new float[dim];
        for (int i = 0; i < dim; i++) {
            embedding[i] = in.readFloat();
        }
        return new ImageFace(image, width, height, new AnalyzedFace(face, quality, embedding, null), detected);
    }

    private static void warn(PrintStream log, String message) {
        if (log != null) {
            log.println("embedding cache: " + message);
        }
    }
}
