package org.facestream.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.facestream.enroll.GalleryPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream erase --subject ID...}: destroys each subject's data key and writes its gallery tombstone
 * (see {@link GalleryPublisher#erase}). Needs no master key: destroying a key does not require reading it.
 */
@Command(name = "erase", description = "Erase subjects: destroy their data keys (every copy of their templates becomes unreadable) and tombstone their gallery records.")
final class EraseCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--subject", required = true, paramLabel = "ID", description = "Subject id to erase (repeatable).")
  List<String> subjects = new ArrayList<>();

  @Override
  public Integer call() {
    FaceStreamConfig cfg = common.resolve();
    KafkaReachability.require(cfg.string(FaceStreamConfig.BOOTSTRAP), Duration.ofSeconds(5));
    try (GalleryPublisher publisher = GalleryPublisher.forErasure(cfg.kafkaClientSettings(), "facestream-erase")) {
      for (String subject : subjects) {
        GalleryPublisher.Erasure e = publisher.erase(subject);
        System.err.println("facestream erase: " + subject + " erased (key tombstone " + e.keyTombstone().topic() + "-" + e.keyTombstone().partition()
            + "@" + e.keyTombstone().offset() + ", gallery tombstone " + e.galleryTombstone().topic() + "-" + e.galleryTombstone().partition()
            + "@" + e.galleryTombstone().offset() + ")");
      }
    }
    return 0;
  }
}
