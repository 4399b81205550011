package org.facestream.cli;

import java.time.Instant;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.audit.AuditLogs;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.MasterKeySetup;
import org.facestream.config.VisionSetup;
import org.facestream.kafka.KafkaReachability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.facestream.audit.AuditLog;
import org.facestream.crypto.MasterKeys;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.GalleryPublisher;
import org.facestream.enroll.SubjectKeySnapshot;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facestream enroll --subject ID IMAGE...}: templates from photos into the gallery topic, sealed under
 * the subject's data key; or {@code facestream enroll --dir ROOT}: bulk enrollment of a folder tree with one
 * folder per subject. Needs the master key ({@code security.master.key.file}). Each subject's key record (when
 * it has no key yet), sealed record and audit record (actor {@code --actor} or the OS user) are written in one
 * transaction ({@link GalleryPublisher}).
 */
@Command(name = "enroll", description = "Enroll a subject from photos (each must show exactly one face), or a folder tree with --dir.")
final class EnrollCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--subject", paramLabel = "ID", description = "Subject id ([A-Za-z0-9._:@-], up to 128 characters).")
  String subject;

  @Option(names = "--dir", paramLabel = "ROOT", description = "Bulk: ROOT/<subject>/<photos>; photos that are refused are reported and skipped.")
  Path root;

  @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "JPEG or PNG photos of the subject.")
  List<Path> images = new ArrayList<>();

  @Option(names = "--actor", paramLabel = "NAME", description = "Who enrolls, as the audit log records it (default: the OS user).")
  String actor;

  @Override
  public Integer call() throws IOException {
    if ((subject == null) == (root == null)) {
      throw new IllegalArgumentException("expected either --subject ID IMAGE... or --dir ROOT, found " + (subject == null ? "neither" : "both"));
    }
    FaceStreamConfig cfg = common.resolve();
    MasterKeys keys = MasterKeySetup.require(cfg, "enroll command");
    Map<String, GalleryRecord> records = new LinkedHashMap<>();
    MetricsRegistry metrics = new MetricsRegistry();
    try (FaceAnalyzer analyzer = FaceAnalyzer.forPortraits(cfg, metrics)) {
      Enroller enroller = new Enroller(analyzer, metrics);
      Map<String, Enroller.Enrollment> enrollments = subject != null
          ? Map.of(subject, enroller.enrollment(subject, images)) : enrollTree(enroller);
      enrollments.forEach((id, e) -> {
        records.put(id, e.record());
        if (!e.outliers().isEmpty()) {
          System.err.println("facestream enroll: " + id + ": left out " + e.outlierSources() + ": they look like someone"
              + " else (cosine below " + Enroller.SAME_PERSON_COSINE + " to the subject's other photos); check their labels");
        }
      });
    }
    KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
    // a subject enrolled before keeps its data key (its key record is read back first)
    SubjectKeySnapshot existing = SubjectKeySnapshot.read(cfg.kafkaClientSettings(), Duration.ofSeconds(60));
    try (AuditLog audit = AuditLogs.open(cfg, "enroll", metrics)) {
      publish(new GalleryPublisher(audit, keys, existing), records, AuditLogs.person(actor), root != null ? "cli-bulk" : "cli");
    }
    records.values().forEach(r -> System.err.println("facestream enroll: " + r.subjectId() + " enrolled with "
        + r.templates().size() + " template(s), pack " + r.modelPackId()));
    return 0;
  }

  /** Publishes each record with its {@code subject-enrolled} audit record by {@code actor}, made through {@code via}. */
  static void publish(GalleryPublisher publisher, Map<String, GalleryRecord> records, String actor, String via) {
    for (GalleryRecord r : records.values()) {
      publisher.publish(r, AuditEntry.of(actor, AuditRecord.SUBJECT_ENROLLED, r.subjectId(), Map.of(
          "via", via, "templates", Integer.toString(r.templates().size()), "model.pack", r.modelPackId())));
    }
  }

  /** One enrollment per subject folder, from every photo that shows exactly one face; a progress bar on stderr. */
  private Map<String, Enroller.Enrollment> enrollTree(Enroller enroller) throws IOException {
    Map<String, List<Path>> bySubject = new LinkedHashMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.list(d)) {
          List<Path> photos = files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted().toList();
          if (!photos.isEmpty()) {
            bySubject.put(d.getFileName().toString(), photos);
          }
        }
      }
    }
    int total = bySubject.values().stream().mapToInt(List::size).sum();
    if (total == 0) {
      throw new IllegalArgumentException("expected " + root + "/<subject>/<photos>, found no photos");
    }
    Map<String, Enroller.Enrollment> out = new LinkedHashMap<>();
    int done = 0;
    int refused = 0;
    for (var e : bySubject.entrySet()) {
      List<Template> templates = new ArrayList<>();
      for (Path photo : e.getValue()) {
        try {
          templates.add(enroller.template(photo.getFileName().toString(), Files.readAllBytes(photo)));
        } catch (Enroller.EnrollmentException ex) {
          refused++;
          System.err.println("\rrefused " + e.getKey() + "/" + ex.getMessage());
        }
        done++;
        int filled = 30 * done / total;
        System.err.printf(Locale.ROOT, "\renroll [%s%s] %d/%d photos, %d subjects, %d refused", "#".repeat(filled), ".".repeat(30 - filled),
            done, total, out.size(), refused);
      }
      if (!templates.isEmpty()) {
        out.put(e.getKey(), Enroller.subCenters(e.getKey(), e.getKey(), templates, enroller.packId(), Enroller.MAX_SUB_CENTERS,
            Instant.now()));
      }
    }
    System.err.println();
    return out;
  }
}
