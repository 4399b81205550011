package org.facestream.enroll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Printable;
import org.facestream.events.Template;
import org.facestream.gallery.SubCenterTemplates;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.AnalyzedFace;
import org.facestream.vision.DecodeBudgetException;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.vision.FrameDecoder;
import org.facestream.vision.UndecodableFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrollment through the production detect-align-embed path: every image must show exactly one face, which
 * becomes one template; of a subject's photos the dominant cluster is kept as up to {@value #MAX_SUB_CENTERS}
 * sub-centre templates and the others are reported as outliers ({@link #subCenters}). The gallery processor
 * ({@link GalleryChanges}) clusters a subject's new templates with its current ones and seals the record. Photo
 * names come from outside (uploads, file names): messages and logs show them escaped ({@link Printable}). Not
 * thread-safe.
 */
public final class Enroller {
    /** Refusal reasons, the {@code reason} label of {@code facestream_enroll_refused_total}. */
    public static final String NOT_AN_IMAGE = "not-an-image";

    public static final String NO_FACE = "no-face";
    public static final String SEVERAL_FACES = "several-faces";
    public static final String UNREADABLE = "unreadable";
    /** A picture over the decoder's budget (a JPEG with too many scans), refused before decoding. */
    public static final String DECODE_BUDGET = "decode-budget";

    public static final String NO_IMAGES = "no-images";
    /** Sub-centre templates a subject keeps at most. */
    public static final int MAX_SUB_CENTERS = 5;
    /**
     * Two photos whose templates reach this cosine are taken for the same person when choosing sub-centres: near
     * the equal-error threshold of the ArcFace packs on LFW (0.23 for w600k-int8), since a pair below it is more
     * likely two people than one.
     */
    public static final double SAME_PERSON_COSINE = 0.25;

    private static final Logger LOG = LoggerFactory.getLogger(Enroller.class);

    private final FaceAnalyzer analyzer;
    private final MetricsRegistry metrics;
    private final LongAdder budgetRefusals;

    /** Enrollment with {@code analyzer}, which should use the pack's portrait settings; refusals count in a registry of their own. */
    public Enroller(FaceAnalyzer analyzer) {
        this(analyzer, new MetricsRegistry());
    }

    /** As {@link #Enroller(FaceAnalyzer)}, counting refusals in {@code metrics}. */
    public Enroller(FaceAnalyzer analyzer, MetricsRegistry metrics) {
        this.analyzer = analyzer;
        this.metrics = metrics;
        for (String reason : List.of(NOT_AN_IMAGE, NO_FACE, SEVERAL_FACES, UNREADABLE, NO_IMAGES)) {
            refusals(reason); // at zero from the start
        }
        this.budgetRefusals = FrameDecoder.budgetRefusals(metrics, "enroll");
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

    /** The model pack the templates are computed with. */
    public String packId() {
        return analyzer.pack().id();
    }

    /** One template from image bytes; refuses anything but exactly one face. */
    public Template template(String source, byte[] image) {
        List<AnalyzedFace> faces;
        try {
            faces = analyzer.analyze(image);
        } catch (DecodeBudgetException e) {
            budgetRefusals.increment();
            throw refused(DECODE_BUDGET, Printable.of(source) + ": " + e.getMessage());
        } catch (UndecodableFrameException e) {
            throw refused(
                    NOT_AN_IMAGE, Printable.of(source) + ": expected a JPEG or PNG image, found " + e.getMessage());
        }
        if (faces.size() != 1) {
            throw refused(
                    faces.isEmpty() ? NO_FACE : SEVERAL_FACES,
                    Printable.of(source) + ": expected exactly one face, found " + faces.size()
                            + (faces.isEmpty() ? " (use a clear, frontal photo)" : " (crop the photo to the subject)"));
        }
        AnalyzedFace face = faces.get(0);
        return new Template(face.embedding(), source, face.quality());
    }

    /**
     * A subject's enrollment: the record with its sub-centre templates, and the photos left out because they
     * look like someone else (for a person to check; never enrolled on their own).
     *
     * @param record the subject's record, its templates the chosen sub-centres
     * @param outliers templates outside the dominant cluster of the subject's photos
     */
    public record Enrollment(GalleryRecord record, List<Template> outliers) {
        public Enrollment {
            outliers = List.copyOf(outliers);
        }

        /** The photos (template sources) left out as outliers. */
        public List<String> outlierSources() {
            return outliers.stream().map(Template::source).toList();
        }
    }

    /** The gallery record for a subject from already-read images (e.g. uploads), in order; outliers left out. */
    public GalleryRecord enroll(String subjectId, Map<String, byte[]> imagesBySource) {
        return enrollment(subjectId, imagesBySource).record();
    }

    /** As {@link #enroll(String, Map)}, with the photos left out as outliers. */
    public Enrollment enrollment(String subjectId, Map<String, byte[]> imagesBySource) {
        GalleryRecord all = everyTemplate(subjectId, imagesBySource);
        return subCenters(subjectId, subjectId, all.templates(), all.modelPackId(), MAX_SUB_CENTERS, all.enrolledAt());
    }

    /**
     * A record with one template per image, in order, before any sub-centre selection: for a caller that
     * clusters them with the subject's existing templates (the API adding photos to an enrolled subject).
     */
    public GalleryRecord everyTemplate(String subjectId, Map<String, byte[]> imagesBySource) {
        if (imagesBySource.isEmpty()) {
            throw refused(NO_IMAGES, "subject " + subjectId + ": expected at least one image, found none");
        }
        List<Template> templates = new ArrayList<>();
        imagesBySource.forEach((source, bytes) -> templates.add(template(source, bytes)));
        return new GalleryRecord(
                subjectId, subjectId, templates, analyzer.pack().id(), Instant.now());
    }

    /** The gallery record for a subject enrolled from image files alone; outliers left out. */
    public GalleryRecord enroll(String subjectId, List<Path> images) {
        return enrollment(subjectId, images).record();
    }

    /** As {@link #enroll(String, List)}, with the photos left out as outliers. */
    public Enrollment enrollment(String subjectId, List<Path> images) {
        GalleryRecord all = everyTemplate(subjectId, images);
        return subCenters(subjectId, subjectId, all.templates(), all.modelPackId(), MAX_SUB_CENTERS, all.enrolledAt());
    }

    /** As {@link #everyTemplate(String, Map)}, from image files ({@link #read}). */
    public GalleryRecord everyTemplate(String subjectId, List<Path> images) {
        return everyTemplate(subjectId, read(images));
    }

    /**
     * The bytes of image files by source: the file name, made unique with {@code #2}, {@code #3}, ... when two
     * files share one ({@link #uniqueSource}), in the order given.
     */
    public Map<String, byte[]> read(List<Path> images) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Path image : images) {
            try {
                out.put(uniqueSource(out.keySet(), image.getFileName().toString()), Files.readAllBytes(image));
            } catch (IOException e) {
                throw refused(UNREADABLE, image + ": cannot read (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    /** {@code source}, or {@code source#2}, {@code source#3}, ... when {@code taken} already holds it: the name a photo's template carries. */
    public static String uniqueSource(Set<String> taken, String source) {
        String unique = source;
        for (int i = 2; taken.contains(unique); i++) {
            unique = source + "#" + i;
        }
        return unique;
    }

    /**
     * A record of a subject's sub-centre templates (sub-center ArcFace: several templates per identity, noisy
     * ones isolated): the photos are clustered by {@link SubCenterTemplates}, the dominant cluster is kept, up
     * to {@code max} of its templates are chosen for diversity, and the photos outside it are returned as
     * outliers: a mislabelled photo enrolled as a template makes the subject match a stranger, so it must be
     * seen by a person, not trusted. Used for new subjects and for photos added to enrolled ones (the existing
     * templates clustered with the new).
     */
    public static Enrollment subCenters(
            String subjectId,
            String displayName,
            List<Template> templates,
            String modelPackId,
            int max,
            Instant enrolledAt) {
        SubCenterTemplates.Selection s = SubCenterTemplates.select(templates, max, SAME_PERSON_COSINE);
        if (!s.outliers().isEmpty()) {
            LOG.warn(
                    "subject {}: photo(s) {} look like someone else (cosine below {} to the subject's other photos): left out, check their labels",
                    subjectId,
                    s.outliers().stream().map(t -> Printable.of(t.source())).toList(),
                    SAME_PERSON_COSINE);
        }
        return new Enrollment(
                new GalleryRecord(subjectId, displayName, s.subCenters(), modelPackId, enrolledAt), s.outliers());
    }

    private LongAdder refusals(String reason) {
        return metrics.counter(
                "enroll_refused_total",
                "Enrollment images refused (not exactly one face, not an image)",
                MetricsRegistry.label("reason", reason));
    }

    private EnrollmentException refused(String reason, String message) {
        refusals(reason).increment();
        return new EnrollmentException(reason, message);
    }
}
