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
 * Holds the arrows between stage packages: stages depend on {@code events} and {@code model}; the pipeline
 * order allows {@code embed} to use {@code detect} and {@code align}, and {@code match} to use
 * {@code gallery}; {@code crypto} (the gallery's encryption at rest) is used by the gallery's readers and
 * writers; {@code audit} (the hash-chained audit log) by the gallery's writer ({@code enroll}'s publisher)
 * and the API (its writer and key file); only {@code cli} wires everything; only {@code model} touches ONNX Runtime.
 */
class PackageArrowsTest {
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("events", Set.of()),
      Map.entry("metrics", Set.of()),
      Map.entry("model", Set.of("events")),
      Map.entry("detect", Set.of("events", "model")),
      Map.entry("align", Set.of("events", "model")),
      Map.entry("embed", Set.of("events", "model", "detect", "align", "metrics")),
      Map.entry("ingest", Set.of("events", "metrics")),
      Map.entry("gallery", Set.of("events", "metrics")),
      Map.entry("crypto", Set.of("events")),
      Map.entry("match", Set.of("events", "gallery", "crypto", "metrics")),
      Map.entry("enroll", Set.of("events", "embed", "gallery", "model", "crypto", "metrics", "audit")),
      Map.entry("eval", Set.of("events", "model", "detect", "align", "embed", "gallery", "match", "metrics")),
      Map.entry("audit", Set.of("events", "metrics")),
      Map.entry("api", Set.of("events", "model", "embed", "enroll", "gallery", "match", "crypto", "metrics", "audit")));
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.facestream\\.([a-z]+)\\.", Pattern.MULTILINE);
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
      assertThat(ALLOWED).as("package %s must be declared in the arrows", pkg).containsKey(pkg);
      for (String dep : deps) {
        assertThat(ALLOWED.get(pkg)).as("%s may not depend on %s", pkg, dep).contains(dep.substring(0, dep.indexOf(' ')));
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
