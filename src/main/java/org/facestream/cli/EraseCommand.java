package org.facestream.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.facestream.audit.AuditLog;
import org.facestream.audit.AuditLogs;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryPublisher;
import org.facestream.enroll.GallerySnapshot;
import org.facestream.enroll.GalleryWriter;
import org.facestream.enroll.Origin;
import org.facestream.kafka.KafkaReachability;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream erase --subject ID...}: erases enrolled subjects, as {@code DELETE /api/v1/subjects/{id}}
 * does (both through {@link EnrollmentService#erase}): per subject one transaction of the key tombstone (the subject's data
 * key destroyed: every copy of its templates becomes unreadable), the gallery tombstone and its
 * {@code subject-erased} audit record (actor {@code --actor} or the OS user). Needs no master key: destroying
 * a key does not require reading it. Every subject is checked against the gallery and key topics first: one
 * with neither a gallery record nor a data key is refused (exit 2) before anything is written, so the audit
 * log never claims an erasure of something that was not there.
 */
@Command(
        name = "erase",
        description = "Erase subjects: destroy their data keys (every copy of their templates becomes unreadable) and "
                + "tombstone their gallery records, each recorded in the audit log.")
final class EraseCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id to erase (repeatable).")
    List<String> subjects = new ArrayList<>();

    @Option(
            names = "--actor",
            paramLabel = "NAME",
            description = "Who erases, as the audit log records it (default: the OS user).")
    String actor;

    @Override
    public Integer call() {
        FaceStreamConfig cfg = common.resolve();
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        GallerySnapshot gallery = GallerySnapshot.read(cfg.kafkaClientSettings(), Duration.ofSeconds(60));
        List<String> unknown =
                subjects.stream().filter(s -> !gallery.holds(s)).distinct().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("expected enrolled subjects, found no gallery record or data key of "
                    + String.join(", ", unknown) + " (" + gallery.size() + " enrolled); nothing was erased");
        }
        try (AuditLog audit =
                AuditLogs.open(cfg, "erase", AuditKeySetup.require(cfg, "erase command"), new MetricsRegistry())) {
            EnrollmentService service = new EnrollmentService(
                    gallery, GalleryPublisher.forErasure(audit, gallery), Enroller.MAX_SUB_CENTERS);
            Origin origin = Origin.of(AuditLogs.person(actor), "cli");
            for (String subject : subjects.stream().distinct().toList()) {
                GalleryWriter.Written w = service.erase(subject, origin).written();
                System.err.println("facestream erase: " + subject + " erased (key tombstone " + w.keyWhere()
                        + ", gallery tombstone " + w.galleryWhere() + ", audited on chain "
                        + w.audit().chainId() + "#" + w.audit().sequence() + ")");
            }
        }
        return 0;
    }
}
