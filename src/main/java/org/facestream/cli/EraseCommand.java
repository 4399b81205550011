package org.facestream.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.facestream.api.GalleryWriter;
import org.facestream.api.KafkaGalleryView;
import org.facestream.api.KafkaGalleryWriter;
import org.facestream.audit.AuditLog;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream erase --subject ID}: erases an enrolled subject, as {@code DELETE /api/v1/subjects/{id}}
 * does: a tombstone on the gallery topic, in one transaction with its {@code subject-erased} audit record
 * (actor {@code --actor} or the OS user). Every matcher drops the subject when it reads the tombstone, and
 * compaction removes the earlier records. An unknown subject is refused (exit 2), so the audit log never
 * claims an erasure of something that was not there.
 */
@Command(name = "erase", description = "Erase a subject from the gallery (a tombstone), recorded in the audit log.")
final class EraseCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--subject", required = true, paramLabel = "ID", description = "The subject to erase.")
  String subject;

  @Option(names = "--actor", paramLabel = "NAME", description = "Who erases, as the audit log records it (default: the OS user).")
  String actor;

  @Override
  public Integer call() throws Exception {
    FaceStreamConfig cfg = common.resolve();
    KafkaReachability.require(cfg.string(FaceStreamConfig.BOOTSTRAP), Duration.ofSeconds(5));
    try (KafkaGalleryView gallery = KafkaGalleryView.start(cfg.kafkaClientSettings())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!gallery.caughtUp()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the gallery topic was not read to its end within 60 s");
        }
        Thread.sleep(20);
      }
      GalleryRecord erasing = gallery.subject(subject).orElseThrow(() -> new IllegalArgumentException(
          "expected an enrolled subject " + subject + ", found none (" + gallery.subjects().size() + " enrolled)"));
      try (AuditLog audit = AuditLogs.open(cfg, "erase")) {
        GalleryWriter.Written w = new KafkaGalleryWriter(audit).write(subject, null, AuditEntry.of(AuditLogs.person(actor),
            AuditRecord.SUBJECT_ERASED, subject, Map.of("via", "cli", "templates", Integer.toString(erasing.templates().size()),
                "model.pack", erasing.modelPackId())));
        System.err.println("facestream erase: " + subject + " erased (tombstone at " + org.facestream.events.Topics.GALLERY + "-"
            + w.partition() + "@" + w.offset() + ", audited on chain " + audit.chainId() + ")");
      }
    }
    return 0;
  }
}
