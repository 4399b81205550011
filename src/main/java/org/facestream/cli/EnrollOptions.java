package org.facestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --enroll NAME=IMAGE[,IMAGE...]}: the subjects an in-process run enrolls before its cameras start. */
final class EnrollOptions {
    @Option(
            names = "--enroll",
            paramLabel = "NAME=IMAGE[,IMAGE...]",
            description = "Enroll a subject before the cameras start (repeatable).")
    List<String> enroll = new ArrayList<>();

    /**
     * Subject to photos, in the order given; a subject named twice gets the photos of both.
     *
     * @throws IllegalArgumentException naming the entry that is malformed or a photo that does not exist
     */
    Map<String, List<Path>> subjects() {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        for (String spec : enroll) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("expected --enroll NAME=IMAGE[,IMAGE...], found '" + spec + "'");
            }
            List<Path> images = new ArrayList<>();
            for (String p : spec.substring(eq + 1).split(",")) {
                Path path = Path.of(p.trim());
                if (!Files.isRegularFile(path)) {
                    throw new IllegalArgumentException("--enroll " + spec.substring(0, eq)
                            + ": expected an image file at " + path + ", found nothing");
                }
                images.add(path);
            }
            out.computeIfAbsent(spec.substring(0, eq), k -> new ArrayList<>()).addAll(images);
        }
        return out;
    }
}
