package org.facestream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No production code calls an OpenCV Java method that takes a {@code List}. Those wrappers pack the list into a
 * temporary {@code Mat} (the native addresses of its Mats), read the temporary's pointer and call native code;
 * the temporary is unreachable from then on, so a garbage collection during the call lets its finalizer free it
 * while the native code still reads it: a use-after-free (wrong results or a JVM crash) that only a busy machine
 * shows. Pass single Mats, held by the caller until it releases them, instead (one {@code blobFromImage} per
 * crop rather than {@code blobFromImages}).
 */
class OpenCvCallsTest {
    private static final Path MAIN = Path.of("src", "main", "java", "org", "facestream");
    /** The OpenCV classes with static functions, by the simple name code calls them with. */
    private static final Map<String, String> FUNCTIONS = Map.of(
            "Core", "org.opencv.core.Core",
            "Imgproc", "org.opencv.imgproc.Imgproc",
            "Imgcodecs", "org.opencv.imgcodecs.Imgcodecs",
            "Dnn", "org.opencv.dnn.Dnn",
            "Calib3d", "org.opencv.calib3d.Calib3d",
            "Photo", "org.opencv.photo.Photo",
            "Video", "org.opencv.video.Video",
            "Converters", "org.opencv.utils.Converters");

    private static final Pattern CALL =
            Pattern.compile("\\b(" + String.join("|", FUNCTIONS.keySet()) + ")\\.(\\w+)\\(");

    @Test
    void noProductionCodeCallsAnOpenCvFunctionThatTakesAList() throws Exception {
        List<String> offending = new ArrayList<>();
        int calls = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CALL.matcher(read(f));
                while (m.find()) {
                    calls++;
                    Class<?> type = Class.forName(FUNCTIONS.get(m.group(1)));
                    boolean takesList = Arrays.stream(type.getMethods())
                            .filter(method -> method.getName().equals(m.group(2)))
                            .map(Method::getParameterTypes)
                            .flatMap(Arrays::stream)
                            .anyMatch(List.class::isAssignableFrom);
                    if (takesList || m.group(1).equals("Converters")) {
                        offending.add(MAIN.relativize(f) + ": " + m.group(1) + "." + m.group(2));
                    }
                }
            }
        }
        assertThat(calls).as("OpenCV calls found in " + MAIN).isGreaterThan(10);
        assertThat(offending)
                .as("OpenCV functions with a List parameter (a temporary Mat freed under the native call)")
                .isEmpty();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
