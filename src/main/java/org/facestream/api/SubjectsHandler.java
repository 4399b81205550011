package org.facestream.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.facestream.audit.AuditLog;
import org.facestream.config.ApiSettings;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryWriter;
import org.facestream.enroll.Origin;
import org.facestream.events.GalleryRecord;
import org.facestream.events.ImageFormats;
import org.facestream.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/subjects}: list, one subject, enrollment by multipart upload, erasure, each through the
 * {@link EnrollmentService}. A write is answered once applied: an enrollment once the gallery view has read
 * it back (so a GET right after sees it), an erasure once the view has read the tombstone and the in-process
 * matcher (when there is one) no longer holds the subject; 202 when that takes longer than
 * {@link ApiSettings#applyTimeout()}. Enrollments run one at a time: the analyzer is not thread-safe, and
 * a subject's new templates join its current ones, which the next enrollment must see. Embeddings never
 * leave the process. Thread-safe.
 */
final class SubjectsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SubjectsHandler.class);
    private static final Pattern SUBJECT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private final ApiSettings settings;
    private final GalleryView gallery;
    private final Enrollment photos;
    private final EnrollmentService service;
    private final MatcherProbe matcher;
    private final ReentrantLock enrollLock = new ReentrantLock();

    SubjectsHandler(
            ApiSettings settings, GalleryView gallery, GalleryWriter writer, Enrollment photos, MatcherProbe matcher) {
        this.settings = settings;
        this.gallery = gallery;
        this.photos = photos;
        this.matcher = matcher;
        this.service = new EnrollmentService(gallery, writer, settings.maxTemplatesPerSubject());
    }

    void list(HttpExchange ex, Matcher m, Principal who) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode arr = body.putArray("subjects");
        gallery.subjects().values().forEach(r -> arr.add(subjectJson(r)));
        body.put("count", arr.size());
        Exchanges.sendJson(ex, 200, body);
    }

    void get(HttpExchange ex, Matcher m, Principal who) throws IOException {
        String id = subjectId(m);
        GalleryRecord r = gallery.subject(id).orElseThrow(() -> unknownSubject(id));
        Exchanges.sendJson(ex, 200, subjectJson(r));
    }

    void erase(HttpExchange ex, Matcher m, Principal who) throws Exception {
        String id = subjectId(m);
        gallery.subject(id).orElseThrow(() -> unknownSubject(id));
        long deadline = System.nanoTime() + settings.applyTimeout().toNanos();
        GalleryWriter.Written written =
                writing(() -> service.erase(id, origin(ex, who))).written();
        boolean viewApplied = gallery.awaitApplied(written, settings.applyTimeout());
        boolean matcherApplied = viewApplied && awaitMatcherDropped(id, deadline);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("erased", id);
        body.put("applied", matcherApplied);
        body.put("galleryOffset", written.offset());
        if (!matcherApplied) {
            body.put("pending", viewApplied ? "matcher" : "gallery view");
        }
        LOG.info(
                "erased subject {} by key {} (tombstone at {}@{}, applied {})",
                id,
                who.keyId(),
                written.partition(),
                written.offset(),
                matcherApplied);
        Exchanges.sendJson(ex, matcherApplied ? 200 : 202, body);
    }

    private boolean awaitMatcherDropped(String id, long deadlineNanos) throws InterruptedException {
        while (matcher.holds(id)) {
            if (System.nanoTime() > deadlineNanos) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    void addFaces(HttpExchange ex, Matcher m, Principal who) throws Exception {
        String id = subjectId(m);
        MultipartForm form = MultipartForm.parse(ex.getRequestHeaders().getFirst("Content-Type"), readBody(ex));
        List<MultipartForm.Part> images = form.parts("image");
        if (images.isEmpty()) {
            throw new ApiException(
                    400,
                    "expected one or more files in form field 'image', found fields "
                            + form.parts().stream()
                                    .map(MultipartForm.Part::name)
                                    .distinct()
                                    .toList());
        }
        Map<String, byte[]> bySource = new LinkedHashMap<>();
        for (MultipartForm.Part p : images) {
            byte[] data = p.data();
            if (!ImageFormats.isJpegOrPng(data)) {
                throw new ApiException(
                        415,
                        "image '" + Exchanges.truncate(p.sourceName()) + "': expected a JPEG or PNG image, found "
                                + (data.length == 0
                                        ? "an empty file"
                                        : (p.contentType() == null ? "no content type" : p.contentType()) + ", "
                                                + data.length + " bytes"));
            }
            bySource.put(Enroller.uniqueSource(bySource.keySet(), p.sourceName()), data);
        }
        String displayName = form.parts("displayName").stream()
                .findFirst()
                .map(p -> new String(p.data(), StandardCharsets.UTF_8).trim())
                .filter(s -> !s.isEmpty())
                .orElse(null);

        enrollLock.lockInterruptibly();
        try {
            GalleryRecord fresh;
            try {
                fresh = photos.enroll(id, bySource);
            } catch (Enroller.EnrollmentException e) {
                throw new ApiException(422, e.getMessage());
            }
            EnrollmentService.Enrolled enrolled = writing(() -> service.enroll(fresh, displayName, origin(ex, who)));
            boolean applied = gallery.awaitApplied(enrolled.written(), settings.applyTimeout());
            ObjectNode out = subjectJson(enrolled.record());
            out.put("added", enrolled.added());
            out.put("dropped", enrolled.dropped());
            ArrayNode outliers = out.putArray("outliers");
            enrolled.outliers().forEach(outliers::add);
            out.put("applied", applied);
            LOG.info(
                    "enrolled {} template(s) for subject {} by key {} ({} in all)",
                    enrolled.added(),
                    id,
                    who.keyId(),
                    enrolled.record().templates().size());
            Exchanges.sendJson(ex, !applied ? 202 : enrolled.hadRecord() ? 200 : 201, out);
        } finally {
            enrollLock.unlock();
        }
    }

    private static Origin origin(HttpExchange ex, Principal who) {
        return Origin.of(who.actor(), "api").with("remote", Exchanges.remote(ex));
    }

    /** Runs a gallery write; one whose audit record cannot be written was not made, and is 503. */
    private static <T> T writing(Supplier<T> write) {
        try {
            return write.get();
        } catch (AuditLog.AuditWriteException e) {
            throw new ApiException(503, "cannot write the gallery change with its audit record: " + e.getMessage());
        }
    }

    private static String subjectId(Matcher m) {
        String id = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        if (!SUBJECT_ID.matcher(id).matches()) {
            throw new ApiException(
                    400,
                    "expected a subject id of 1-128 characters [A-Za-z0-9._:@-], found '" + Exchanges.truncate(id)
                            + "'");
        }
        return id;
    }

    private static ApiException unknownSubject(String id) {
        return new ApiException(404, "unknown subject " + id);
    }

    private static ObjectNode subjectJson(GalleryRecord r) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", r.subjectId());
        n.put("displayName", r.displayName());
        n.put("templates", r.templates().size());
        n.put("modelPackId", r.modelPackId());
        n.put("enrolledAt", r.enrolledAt().toString());
        ArrayNode sources = n.putArray("sources");
        r.templates().forEach(t -> sources.add(t.source()));
        return n;
    }

    private byte[] readBody(HttpExchange ex) throws IOException {
        long limit = settings.maxUploadBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    throw tooLarge(declared.trim());
                }
            } catch (NumberFormatException e) {
                throw new ApiException(
                        400, "expected a numeric Content-Length, found '" + Exchanges.truncate(declared) + "'");
            }
        }
        // not closed here: a refusal reads and discards the rest (ApiServer), and the exchange closes it
        InputStream in = ex.getRequestBody();
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > limit) {
            throw tooLarge("more");
        }
        return body;
    }

    private ApiException tooLarge(String found) {
        return new ApiException(
                413,
                "expected an upload of at most " + settings.maxUploadBytes() + " bytes, found " + found + " bytes");
    }
}
