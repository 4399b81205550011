package org.facestream.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place tests find {@code ../shared}: models, faces and videos are read from there, never copied.
 * {@code FACESTREAM_MODELS} overrides the model directory, {@code FACESTREAM_DATA} (or the build's
 * {@code FACESTREAM_SHARED}) the shared root.
 */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        for (String env : new String[] {"FACESTREAM_DATA", "FACESTREAM_SHARED"}) {
            String v = System.getenv(env);
            if (v != null && Files.isDirectory(Path.of(v, "faces"))) {
                return Path.of(v).toAbsolutePath().normalize();
            }
        }
        Path sibling = Path.of("..", "shared").toAbsolutePath().normalize();
        if (Files.isDirectory(sibling)) {
            return sibling;
        }
        throw new IllegalStateException("expected ../shared beside the project (or FACESTREAM_DATA), found neither");
    }

    public static Path models() {
        String v = System.getenv("FACESTREAM_MODELS");
        return v != null && !v.isBlank() ? Path.of(v).toAbsolutePath().normalize() : root().resolve("models");
    }

    public static Path faces() {
        return root().resolve("faces");
    }

    /** A file under {@code ../shared/faces}, e.g. {@code face("people/obama/obama.jpg")}. */
    public static Path face(String relative) {
        Path p = faces().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("expected test file " + p + ", found nothing");
        }
        return p;
    }

    public static Path video(String name) {
        return face("video/" + name);
    }
}
