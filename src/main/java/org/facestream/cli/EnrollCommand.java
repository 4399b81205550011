package org.facestream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facestream.embed.FaceAnalyzer;
import org.facestream.enroll.Enroller;
import org.facestream.events.GalleryRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facestream enroll --subject ID IMAGE...}: templates from photos into the gallery topic. */
@Command(name = "enroll", description = "Enroll a subject from one or more photos (each must show exactly one face).")
final class EnrollCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id ([A-Za-z0-9._:@-], up to 128 characters).")
  String subject;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG or PNG photos of the subject.")
  List<Path> images;

  @Override
  public Integer call() {
    FaceStreamConfig cfg = common.resolve();
    GalleryRecord record;
    try (FaceAnalyzer analyzer = VisionSetup.openForPortraits(cfg)) {
      record = new Enroller(analyzer).enroll(subject, images);
    }
    KafkaReachability.require(cfg.string(FaceStreamConfig.BOOTSTRAP), Duration.ofSeconds(5));
    Enroller.publish(cfg.kafkaClientSettings(), Map.of(subject, record));
    System.err.println("facestream enroll: " + subject + " enrolled with " + record.templates().size() + " template(s), pack " + record.modelPackId());
    return 0;
  }
}
