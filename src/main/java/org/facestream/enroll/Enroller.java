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
import org.facestream.metrics.MetricsRegistry;

/**
 * Enrollment through the production detect-align-embed path: every image must show exactly one face, which
 * becomes one template. {@link GalleryPublisher} seals the subject's record and writes it, in one transaction
 * with its audit record. Not thread-safe.
 */
public final class Enroller {
  /** Refusal reasons, the {@code reason} label of {@code facestream_enroll_refused_total}. */
  public static final String NOT_AN_IMAGE = "not-an-image";
  public static final String NO_FACE = "no-face";
  public static final String SEVERAL_FACES = "several-faces";
  public static final String UNREADABLE = "unreadable";
  public static final String NO_IMAGES = "no-images";

  private final FaceAnalyzer analyzer;
  private final MetricsRegistry metrics;

  /** Enrollment with {@code analyzer}, which should use the pack's portrait settings; refusals count globally. */
  public Enroller(FaceAnalyzer analyzer) {
    this(analyzer, MetricsRegistry.GLOBAL);
  }

  /** As {@link #Enroller(FaceAnalyzer)}, counting refusals in {@code metrics}. */
  public Enroller(FaceAnalyzer analyzer, MetricsRegistry metrics) {
    this.analyzer = analyzer;
    this.metrics = metrics;
  }

  /** An image refused for enrollment, with a message that names the image and why. */
  public static final class EnrollmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public EnrollmentException(String message) {
      this(UNREADABLE, message);
    }

    public EnrollmentException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** Why, as a stable code: {@link #NOT_AN_IMAGE}, {@link #NO_FACE}, {@link #SEVERAL_FACES}, ... */
    public String reason() {
      return reason;
    }
  }

  /** One template from image bytes; refuses anything but exactly one face. */
  public Template template(String source, byte[] image) {
    List<AnalyzedFace> faces;
    try {
      faces = analyzer.analyze(image);
    } catch (UndecodableFrameException e) {
      throw refused(NOT_AN_IMAGE, source + ": expected a JPEG or PNG image, found " + e.getMessage());
    }
    if (faces.size() != 1) {
      throw refused(faces.isEmpty() ? NO_FACE : SEVERAL_FACES, source + ": expected exactly one face, found " + faces.size()
          + (faces.isEmpty() ? " (use a clear, frontal photo)" : " (crop the photo to the subject)"));
    }
    AnalyzedFace face = faces.get(0);
    return new Template(face.embedding(), source, face.quality());
  }

  /** The gallery record for a subject from already-read images (e.g. uploads), in order. */
  public GalleryRecord enroll(String subjectId, java.util.Map<String, byte[]> imagesBySource) {
    if (imagesBySource.isEmpty()) {
      throw refused(NO_IMAGES, "subject " + subjectId + ": expected at least one image, found none");
    }
    List<Template> templates = new ArrayList<>();
    imagesBySource.forEach((source, bytes) -> templates.add(template(source, bytes)));
    return new GalleryRecord(subjectId, subjectId, templates, analyzer.pack().id(), Instant.now());
  }

  /** The gallery record for a subject enrolled from image files. */
  public GalleryRecord enroll(String subjectId, List<Path> images) {
    if (images.isEmpty()) {
      throw refused(NO_IMAGES, "subject " + subjectId + ": expected at least one image, found none");
    }
    List<Template> templates = new ArrayList<>();
    for (Path image : images) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(image);
      } catch (IOException e) {
        throw refused(UNREADABLE, image + ": cannot read (" + e.getMessage() + ")");
      }
      templates.add(template(image.getFileName().toString(), bytes));
    }
    return new GalleryRecord(subjectId, subjectId, templates, analyzer.pack().id(), Instant.now());
  }

  private EnrollmentException refused(String reason, String message) {
    metrics.counter("enroll_refused_total", "Enrollment images refused (not exactly one face, not an image)",
        MetricsRegistry.label("reason", reason)).increment();
    return new EnrollmentException(reason, message);
  }
}
