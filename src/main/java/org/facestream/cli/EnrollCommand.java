package org.facestream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.facestream.audit.AuditLog;
import org.facestream.audit.AuditLogs;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.MasterKeySetup;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.enroll.Origin;
import org.facestream.enroll.PhotoFolder;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.kafka.KafkaReachability;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facestream enroll --subject ID IMAGE...}: photos added to a subject's enrollment, as
 * {@code POST /api/v1/subjects/{id}/faces} adds them ({@link EnrollmentService}): one enroll command per subject to
 * the gallery processor, which clusters the new templates with the subject's current ones and seals the record
 * under its data key, in order with every other change of the subject; or {@code facestream enroll --dir ROOT}:
 * bulk enrollment of a {@link PhotoFolder}. Needs the master key ({@code security.master.key.file}: the photos'
 * templates travel sealed). The audit record names actor {@code --actor} or the OS user. The photos are analysed
 * before Kafka is asked anything, so a bad photo or model fails in a second.
 */
@Command(
        name = "enroll",
        description = "Enroll a subject from photos (each must show exactly one face), or a folder tree with --dir.")
final class EnrollCommand implements Callable<Integer> {
    /** How long each enrollment waits for the gallery processor (then it expires). */
    static final Duration WAIT = Duration.ofSeconds(60);

    @Mixin
    CommonOptions common;

    @Option(
            names = "--subject",
            paramLabel = "ID",
            description = "Subject id ([A-Za-z0-9._:@-], up to 128 characters).")
    String subject;

    @Option(
            names = "--dir",
            paramLabel = "ROOT",
            description =
                    "Bulk: ROOT/<subject>/<photos> (a photo directly in ROOT is one subject, named by the file); photos that are refused are reported and skipped.")
    Path root;

    @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "JPEG or PNG photos of the subject.")
    List<Path> images = new ArrayList<>();

    @Option(
            names = "--actor",
            paramLabel = "NAME",
            description = "Who enrolls, as the audit log records it (default: the OS user).")
    String actor;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if ((subject == null) == (root == null)) {
            throw new IllegalArgumentException("expected either --subject ID IMAGE... or --dir ROOT, found "
                    + (subject == null ? "neither" : "both"));
        }
        if (subject != null) {
            EnrollmentService.requireEnrollable(subject); // before minutes of photo analysis, not after
        }
        FaceStreamConfig cfg = common.resolve();
        MasterKeys keys = MasterKeySetup.require(cfg, "enroll command");
        var auditKeys = AuditKeySetup.require(cfg, "enroll command");
        MetricsRegistry metrics = new MetricsRegistry();
        // one template per photo; the service clusters them with each subject's current templates
        Map<String, GalleryRecord> photos;
        try (FaceAnalyzer analyzer = FaceAnalyzer.forPortraits(cfg, metrics)) {
            Enroller enroller = new Enroller(analyzer, metrics);
            photos = subject != null
                    ? Map.of(subject, enroller.everyTemplate(subject, images))
                    : templatesOfTree(enroller);
        }
        KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
        List<GalleryOutcome> enrolled = new ArrayList<>();
        // this process's own chain records its configuration; the enrollments' audit records are the gallery
        // processor's
        try (AuditLog audit = AuditLogs.open(cfg, "enroll", auditKeys, metrics);
                KafkaGalleryCommands commands = KafkaGalleryCommands.start(
                        cfg.kafkaClientSettings(), "facestream-enroll", Duration.ofSeconds(30))) {
            EnrollmentService service = new EnrollmentService(commands, keys, Enroller.MAX_SUB_CENTERS, WAIT);
            Origin origin = Origin.of(AuditLogs.person(actor), root != null ? "cli-bulk" : "cli");
            for (GalleryRecord p : photos.values()) {
                enrolled.add(service.enroll(p, null, origin));
            }
        }
        for (GalleryOutcome e : enrolled) {
            if (!e.outliers().isEmpty()) {
                System.err.println("facestream enroll: " + e.subjectId() + ": left out " + e.outliers()
                        + ": they look like someone" + " else (cosine below " + Enroller.SAME_PERSON_COSINE
                        + " to the subject's other photos); check their labels");
            }
        }
        enrolled.forEach(e -> System.err.println("facestream enroll: " + e.subjectId() + " enrolled with "
                + e.templates() + " template(s), pack " + e.modelPackId() + " (" + e.command() + ", audited as "
                + e.audit() + ")"));
        return 0;
    }

    /** One template per photo that shows exactly one face, per person of the folder; a progress bar on stderr. */
    private Map<String, GalleryRecord> templatesOfTree(Enroller enroller) throws IOException {
        Map<String, List<Path>> bySubject = PhotoFolder.people(root);
        int total = bySubject.values().stream().mapToInt(List::size).sum();
        if (total == 0) {
            throw new IllegalArgumentException("expected " + root + "/<subject>/<photos>, found no photos");
        }
        Map<String, GalleryRecord> out = new LinkedHashMap<>();
        int done = 0;
        int refused = 0;
        for (var e : bySubject.entrySet()) {
            try {
                EnrollmentService.requireEnrollable(e.getKey());
            } catch (IllegalArgumentException reserved) {
                refused += e.getValue().size();
                done += e.getValue().size();
                System.err.println("\rrefused " + e.getKey() + ": " + reserved.getMessage());
                continue;
            }
            List<Template> templates = new ArrayList<>();
            Set<String> sources = new HashSet<>();
            for (Path photo : e.getValue()) {
                String source =
                        Enroller.uniqueSource(sources, photo.getFileName().toString());
                sources.add(source);
                try {
                    templates.add(enroller.template(source, Files.readAllBytes(photo)));
                } catch (Enroller.EnrollmentException ex) {
                    refused++;
                    System.err.println("\rrefused " + e.getKey() + "/" + ex.getMessage());
                }
                done++;
                int filled = 30 * done / total;
                System.err.printf(
                        Locale.ROOT,
                        "\renroll [%s%s] %d/%d photos, %d subjects, %d refused",
                        "#".repeat(filled),
                        ".".repeat(30 - filled),
                        done,
                        total,
                        out.size(),
                        refused);
            }
            if (!templates.isEmpty()) {
                out.put(
                        e.getKey(),
                        new GalleryRecord(e.getKey(), e.getKey(), templates, enroller.packId(), Instant.now()));
            }
        }
        System.err.println();
        return out;
    }
}
