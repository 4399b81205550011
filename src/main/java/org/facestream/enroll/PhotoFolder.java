package org.facestream.enroll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.facestream.events.ImageFormats;

/**
 * A folder of people's photos, as {@code facestream enroll --dir} and the adaptive threshold's cohort
 * ({@code matcher.cohort.dir}) read it: a photo directly in the folder is one person, named by its file name
 * without the extension; a sub-folder holds one person's photos, named by the sub-folder (photos in deeper
 * folders are not read). Photos are JPEG or PNG files by name ({@link ImageFormats#isJpegOrPngName}); links
 * are followed.
 */
public final class PhotoFolder {
    private PhotoFolder() {}

    /**
     * Each person's photos, sorted, by name, sorted; people without photos are left out, and a photo directly
     * in the folder joins the sub-folder of the same name.
     *
     * @throws IOException when {@code root} or a sub-folder cannot be listed
     */
    public static SortedMap<String, List<Path>> people(Path root) throws IOException {
        SortedMap<String, List<Path>> out = new TreeMap<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.sorted().toList()) {
                if (Files.isDirectory(p)) {
                    List<Path> photos = photosIn(p);
                    if (!photos.isEmpty()) {
                        out.computeIfAbsent(p.getFileName().toString(), k -> new ArrayList<>())
                                .addAll(photos);
                    }
                } else if (Files.isRegularFile(p) && ImageFormats.isJpegOrPngName(p)) {
                    out.computeIfAbsent(withoutExtension(p), k -> new ArrayList<>())
                            .add(p);
                }
            }
        }
        out.replaceAll((person, photos) -> photos.stream().sorted().toList());
        return out;
    }

    private static List<Path> photosIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Files.isRegularFile(f) && ImageFormats.isJpegOrPngName(f))
                    .sorted()
                    .toList();
        }
    }

    private static String withoutExtension(Path photo) {
        String name = photo.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }
}
