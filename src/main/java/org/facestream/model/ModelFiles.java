package org.facestream.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    /** Resolves one file in {@code modelsDir} and checks its sha256; returns its absolute path. */
    public static Path verify(ModelFile file, Path modelsDir) {
        Path dir = modelsDir.toAbsolutePath().normalize();
        String expected = file.sha256();
        if (expected == null) {
            throw new ModelFileException("model file " + file.fileName() + ": expected a pinned sha256, found none; "
                    + "download it from " + file.upstreamUrl() + ", check it and pin its sha256 in the pack");
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
