package org.facestream.enroll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.facestream.embed.AnalyzedFace;
import org.facestream.embed.FaceAnalyzer;
import org.facestream.embed.UndecodableFrameException;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;

/**
 * Enrollment through the production detect-align-embed path: every image must show exactly one face, which
 * becomes one template. Writing the record (with its audit record) is the caller's: the API's
 * {@code KafkaGalleryWriter}. Not thread-safe.
 */
public final class Enroller {
  private final FaceAnalyzer analyzer;

  /** Enrollment with {@code analyzer}, which should use the pack's portrait settings. */
  public Enroller(FaceAnalyzer analyzer) {
    this.analyzer = analyzer;
  }

  /** An image refused for enrollment, with a message that names the image and why. */
  public static final class EnrollmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EnrollmentException(String message) {
      super(message);
    }
  }

  /** One template from image bytes; refuses anything but exactly one face. */
  public Template template(String source, byte[] image) {
    List<AnalyzedFace> faces;
    try {
      faces = analyzer.analyze(image);
    } catch (UndecodableFrameException e) {
      throw new EnrollmentException(source + ": expected a JPEG or PNG image, found " + e.getMessage());
    }
    if (faces.size() != 1) {
      throw new EnrollmentException(source + ": expected exactly one face, found " + faces.size()
          + (faces.isEmpty() ? " (use a clear, frontal photo)" : " (crop the photo to the subject)"));
    }
    AnalyzedFace face = faces.get(0);
    return new Template(face.embedding(), source, face.quality());
  }

  /** The gallery record for a subject from already-read images (e.g. uploads), in order. */
  public GalleryRecord enroll(String subjectId, java.util.Map<String, byte[]> imagesBySource) {
    if (imagesBySource.isEmpty()) {
      throw new EnrollmentException("subject " + subjectId + ": expected at least one image, found none");
    }
    List<Template> templates = new ArrayList<>();
    imagesBySource.forEach((source, bytes) -> templates.add(template(source, bytes)));
    return new GalleryRecord(subjectId, subjectId, templates, analyzer.pack().id(), Instant.now());
  }

  /** The gallery record for a subject enrolled from image files. */
  public GalleryRecord enroll(String subjectId, List<Path> images) {
    if (images.isEmpty()) {
      throw new EnrollmentException("subject " + subjectId + ": expected at least one image, found none");
    }
    List<Template> templates = new ArrayList<>();
    for (Path image : images) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(image);
      } catch (IOException e) {
        throw new EnrollmentException(image + ": cannot read (" + e.getMessage() + ")");
      }
      templates.add(template(image.getFileName().toString(), bytes));
    }
    return new GalleryRecord(subjectId, subjectId, templates, analyzer.pack().id(), Instant.now());
  }
}
