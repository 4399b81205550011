package org.facestream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the arrows between packages: every stage may use the base ({@code events}, {@code model},
 * {@code config}, {@code metrics}, and the Kafka plumbing of {@code kafka}); {@code vision} runs
 * {@code detect}, {@code align} and {@code embed} and the {@code worker} runs {@code vision}; the matcher
 * searches the {@code gallery} and opens it with {@code crypto}; the use cases ({@code enroll}) and adapters
 * ({@code api}, {@code eval}) use the stages they serve; stages never use each other otherwise, and only
 * {@code cli} wires everything. Only {@code model} touches ONNX Runtime.
 */
class PackageArrowsTest {
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // the base every stage may use
            Map.entry("events", Set.of()),
            Map.entry("metrics", Set.of()),
            Map.entry("model", Set.of("events")),
            Map.entry("crypto", Set.of("events")),
            Map.entry("config", Set.of("events", "model", "crypto")),
            Map.entry("kafka", Set.of("events", "config", "metrics")),
            Map.entry("audit", Set.of("events", "config", "metrics", "kafka")),
            // the vision path, in pipeline order
            Map.entry("detect", Set.of("events", "model")),
            Map.entry("align", Set.of("events", "model")),
            Map.entry("embed", Set.of("events", "model")),
            Map.entry("vision", Set.of("events", "model", "config", "metrics", "detect", "align", "embed")),
            Map.entry("worker", Set.of("events", "model", "config", "metrics", "kafka", "vision")),
            Map.entry("ingest", Set.of("events", "config", "metrics", "kafka")),
            // the gallery and the matcher
            Map.entry("gallery", Set.of("events", "metrics")),
            Map.entry("match", Set.of("events", "model", "config", "metrics", "kafka", "gallery", "crypto", "audit")),
            // use cases and adapters
            Map.entry(
                    "enroll",
                    Set.of("events", "model", "config", "metrics", "kafka", "vision", "gallery", "crypto", "audit")),
            Map.entry(
                    "eval",
                    Set.of(
                            "events", "model", "config", "metrics", "detect", "align", "embed", "vision", "gallery",
                            "match")),
            Map.entry(
                    "api",
                    Set.of("events", "model", "config", "metrics", "kafka", "enroll", "gallery", "crypto", "audit")));
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?org\\.facestream\\.([a-z]+)\\.", Pattern.MULTILINE);
    private static final Path MAIN = Path.of("src/main/java/org/facestream");

    @Test
    void stagesDependOnlyOnTheirAllowedPackages() throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f).getName(0).toString();
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        found.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1) + " (" + f.getFileName() + ")");
                    }
                }
            }
        }
        found.forEach((pkg, deps) -> {
            if (pkg.equals("cli")) {
                return;
            }
            assertThat(ALLOWED)
                    .as("package %s must be declared in the arrows", pkg)
                    .containsKey(pkg);
            for (String dep : deps) {
                assertThat(ALLOWED.get(pkg))
                        .as("%s may not depend on %s", pkg, dep)
                        .contains(dep.substring(0, dep.indexOf(' ')));
            }
        });
    }

    @Test
    void onlyTheModelPackageImportsOnnxRuntime() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (!MAIN.relativize(f).getName(0).toString().equals("model")) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain("import ai.onnxruntime");
                }
            }
        }
    }
}
