package org.facestream.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a pack's files in a models directory and checks each against its pinned sha256 before ONNX Runtime
 * sees it, so a truncated download or a different model under the same name fails at start-up with one
 * clear message instead of producing embeddings that silently match nobody.
 *
 * <p>Hashes are remembered per process by path, size and modification time: opening several sessions of
 * the same pack (one per worker thread) hashes each file once. Thread-safe.
 */
public final class ModelFiles {
    private record Stamp(Path path, long size, long modifiedMillis) {}

    private static final Map<Stamp, String> HASHES = new ConcurrentHashMap<>();

    private ModelFiles() {}

    /** Resolves and verifies both files of a pack. */
    public static VerifiedPack verify(ModelPack pack, Path modelsDir) {
        return new VerifiedPack(pack, verify(pack.detector(), modelsDir), verify(pack.embedder(), modelsDir));
    }

    /**
     * Resolves one file in {@code modelsDir} and checks its sha256 (its pack's, or for a file its pack does not
     * pin the operator's, {@link #operatorPin}); returns its absolute path.
     */
    public static Path verify(ModelFile file, Path modelsDir) {
        Path dir = modelsDir.toAbsolutePath().normalize();
        String expected = file.sha256() != null ? file.sha256() : readOperatorPin(file, dir);
        if (expected == null) {
            throw new ModelFileException("model file " + file.fileName() + ": expected a pinned sha256, found none; "
                    + "download it with facestream models pull PACK --sha256 " + file.fileName() + "=HEX (the sha256 "
                    + "you checked; it is kept as " + file.fileName() + ".sha256), or pin it in the pack");
        }
        Path path = dir.resolve(file.fileName());
        if (!Files.isRegularFile(path)) {
            throw new ModelFileException("model file " + file.fileName() + " in " + dir
                    + ": expected a file with sha256 " + expected + ", found nothing"
                    + (file.upstreamUrl() == null ? "" : " (upstream: " + file.upstreamUrl() + ")"));
        }
        String found = sha256(path);
        if (!expected.equals(found)) {
            throw new ModelFileException("model file " + file.fileName() + " in " + dir + ": expected sha256 "
                    + expected + ", found " + found);
        }
        return path;
    }

    /**
     * Where the operator's checksum of a file its pack does not pin is kept: {@code FILE.sha256} beside it, in
     * {@code sha256sum} format, written by {@link ModelPuller} after a download matched it. It guards against a
     * truncated or swapped file as a pinned checksum does, but it lives with the models, so it is no defence
     * against whoever can write the models directory.
     */
    public static Path operatorPin(ModelFile file, Path modelsDir) {
        return modelsDir.resolve(file.fileName() + ".sha256");
    }

    /** True when every file of {@code pack} has a checksum, its own or the operator's. */
    public static boolean isPinned(ModelPack pack, Path modelsDir) {
        Path dir = modelsDir.toAbsolutePath().normalize();
        for (ModelFile f : List.of(pack.detector(), pack.embedder())) {
            if (f.sha256() == null && readOperatorPin(f, dir) == null) {
                return false;
            }
        }
        return true;
    }

    private static String readOperatorPin(ModelFile file, Path dir) {
        Path pin = operatorPin(file, dir);
        if (!Files.isRegularFile(pin)) {
            return null;
        }
        try {
            String hex = Files.readString(pin).strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new ModelFileException(
                        "model file " + file.fileName() + ": expected a sha256 in " + pin + ", found '" + hex + "'");
            }
            return hex;
        } catch (IOException e) {
            throw new ModelFileException("model file " + file.fileName() + ": cannot read " + pin + ": " + e, e);
        }
    }

    /** The sha256 of a file as lower-case hex, from the per-process cache when the file is unchanged. */
    public static String sha256(Path path) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
            Stamp stamp = new Stamp(
                    path.toAbsolutePath().normalize(),
                    attrs.size(),
                    attrs.lastModifiedTime().toMillis());
            String cached = HASHES.get(stamp);
            if (cached != null) {
                return cached;
            }
            String hash = hash(path);
            HASHES.put(stamp, hash);
            return hash;
        } catch (IOException e) {
            throw new ModelFileException("model file " + path + ": expected a readable file, found " + e, e);
        }
    }

    private static String hash(Path path) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return ModelFile.hex(digest.digest());
    }
}
