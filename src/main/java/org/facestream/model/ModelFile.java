package org.facestream.model;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One ONNX file of a pack.
 *
 * @param fileName file name inside a models directory, no path separators
 * @param sha256 lower-case hex sha256 of the file, or null when the pack is described but its file has not
 *     been pinned yet (such a pack cannot be opened until it is)
 * @param upstreamUrl where a deployment downloads the file (or the archive holding it) from
 */
public record ModelFile(String fileName, String sha256, String upstreamUrl) {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public ModelFile {
        if (fileName == null || !FILE_NAME.matcher(fileName).matches()) {
            throw new IllegalArgumentException("expected a plain model file name, found " + fileName);
        }
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException(
                        "expected 64 hex digits of sha256 for " + fileName + ", found " + sha256);
            }
        }
    }

    /** The pinned checksum, if any. */
    public Optional<String> pinnedSha256() {
        return Optional.ofNullable(sha256);
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
