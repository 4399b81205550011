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
import org.facestream.enroll.ErasureScope;
import org.facestream.enroll.GallerySnapshot;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.enroll.Origin;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.TopicCatalogue;
import org.facestream.kafka.KafkaReachability;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream erase --subject ID...}: erases enrolled subjects, as {@code DELETE /api/v1/subjects/{id}}
 * does (both through {@link EnrollmentService#erase}): per subject an erase command to the gallery processor, which
 * applies it in order with every other change of the subject and writes, in one transaction, the key tombstone (the
 * subject's data key destroyed: every copy of its templates becomes unreadable), the gallery tombstone, the erasure
 * record and its {@code subject-erased} audit record (actor {@code --actor} or the OS user). Needs no master key:
 * destroying a key does not require reading it. Every subject is checked against the gallery and key topics first:
 * one with neither a gallery record nor a data key is refused (exit 2) before anything is submitted. Then prints
 * what remains of the subjects, where, and for how long ({@link ErasureScope}).
 */
@Command(
        name = "erase",
        description = "Erase subjects: destroy their data keys (every copy of their templates becomes unreadable) and "
                + "tombstone their gallery records, each recorded in the audit log; then say what remains where.")
final class EraseCommand implements Callable<Integer> {
    /** How long each erasure waits for the gallery processor. */
    static final Duration WAIT = Duration.ofSeconds(60);

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
    public Integer call() throws InterruptedException {
        FaceStreamConfig cfg = common.resolve();
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        GallerySnapshot gallery = GallerySnapshot.read(cfg.kafkaClientSettings(), Duration.ofSeconds(60));
        List<String> unknown =
                subjects.stream().filter(s -> !gallery.holds(s)).distinct().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("expected enrolled subjects, found no gallery record or data key of "
                    + String.join(", ", unknown) + " (" + gallery.size() + " enrolled); nothing was erased");
        }
        // this process's own chain records its configuration; the erasures' audit records are the gallery processor's
        try (AuditLog audit = AuditLogs.open(
                        cfg, "erase", AuditKeySetup.require(cfg, "erase command"), new MetricsRegistry());
                KafkaGalleryCommands commands = KafkaGalleryCommands.start(
                        cfg.kafkaClientSettings(), "facestream-erase", Duration.ofSeconds(30))) {
            EnrollmentService service = new EnrollmentService(commands, null, Enroller.MAX_SUB_CENTERS, WAIT);
            Origin origin = Origin.of(AuditLogs.person(actor), "cli");
            for (String subject : subjects.stream().distinct().toList()) {
                GalleryOutcome o = service.erase(subject, origin);
                System.err.println("facestream erase: " + subject + " erased ("
                        + (o.keyId() == null
                                ? "the gallery processor held no record of it; tombstones written"
                                : "data key " + o.keyId() + " destroyed")
                        + ", " + o.command() + ", audited as " + o.audit() + ")");
            }
        }
        TopicCatalogue catalogue = TopicCatalogue.load();
        for (String subject : subjects.stream().distinct().toList()) {
            System.out.println("What remains of " + subject + " after the erasure, and for how long:");
            ErasureScope.lines(catalogue, subject).forEach(l -> System.out.println("- " + l));
        }
        return 0;
    }
}
