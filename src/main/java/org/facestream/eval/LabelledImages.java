package org.facestream.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.facestream.events.ImageFormats;

/**
 * A labelled image set for identification experiments: per identity its image files, sorted by identity.
 * Read either from one sub-folder per identity or from a {@code path,identity} CSV.
 */
public final class LabelledImages {
    /** The extensions taken as images when listing identity folders (what the decoder reads on every platform). */
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "pgm", "bmp", "webp");

    private LabelledImages() {}

    /** One identity per sub-folder of {@code root}; image files by extension, sorted. */
    public static Map<String, List<Path>> fromFolders(Path root) throws IOException {
        Map<String, List<Path>> out = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    List<Path> images = files.filter(f -> Files.isRegularFile(f) && isImage(f))
                            .sorted()
                            .toList();
                    if (!images.isEmpty()) {
                        out.put(dir.getFileName().toString(), images);
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("expected identity folders with images under " + root + ", found none");
        }
        return out;
    }

    /** Identities from a {@code path,identity} CSV, paths relative to {@code root}. */
    public static Map<String, List<Path>> fromCsv(Path csv, Path root) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().equalsIgnoreCase("path,identity")) {
            throw new IllegalArgumentException(csv.getFileName() + " line 1: expected header 'path,identity', found '"
                    + (lines.isEmpty() ? "" : lines.get(0).strip()) + "'");
        }
        Map<String, List<Path>> out = new TreeMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int comma = line.lastIndexOf(',');
            if (comma <= 0 || comma == line.length() - 1) {
                throw new IllegalArgumentException(
                        csv.getFileName() + " line " + (i + 1) + ": expected 'path,identity', found '" + line + "'");
            }
            Path image = root.resolve(line.substring(0, comma).strip());
            if (!Files.isRegularFile(image)) {
                throw new IllegalArgumentException(
                        csv.getFileName() + " line " + (i + 1) + ": expected an image file, found no file " + image);
            }
            out.computeIfAbsent(line.substring(comma + 1).strip(), k -> new ArrayList<>())
                    .add(image);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(csv.getFileName() + ": expected at least one row, found none");
        }
        return out;
    }

    private static boolean isImage(Path f) {
        return ImageFormats.hasExtension(f, IMAGE_EXTENSIONS);
    }
}
