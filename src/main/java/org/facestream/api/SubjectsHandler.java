package org.facestream.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import org.facestream.config.ApiSettings;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryCommandException;
import org.facestream.enroll.Origin;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.ImageFormats;
import org.facestream.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/subjects}: list, one subject, enrollment by multipart upload, erasure, each through the
 * {@link EnrollmentService}, which submits a gallery command and waits for the gallery processor's outcome (the
 * processor orders every change of a subject, whichever API instance or command line submitted it). A write is
 * answered once applied: an enrollment once the gallery view has read the record back (so a GET right after sees
 * it), an erasure once the view has read it (the subject, its events and thumbnails gone from every route) and the
 * in-process matcher (when there is one) no longer holds the subject; 202 when that takes longer than {@link
 * ApiSettings#applyTimeout()}, or when no gallery processor answered an erasure (it stays queued). Photos are
 * analysed one request at a time (the analyzer is not thread-safe). Embeddings never leave the process.
 * Thread-safe.
 */
final class SubjectsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SubjectsHandler.class);

    private final ApiSettings settings;
    private final GalleryView gallery;
    private final Enrollment photos;
    private final EnrollmentService service;
    private final MatcherProbe matcher;
    private final ReentrantLock analyzerLock = new ReentrantLock();
    private final UploadGate uploads;

    SubjectsHandler(
            ApiSettings settings,
            GalleryView gallery,
            EnrollmentService service,
            Enrollment photos,
            MatcherProbe matcher,
            UploadGate uploads) {
        this.settings = settings;
        this.uploads = uploads;
        this.gallery = gallery;
        this.photos = photos;
        this.matcher = matcher;
        this.service = service;
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
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("erased", id);
        GalleryOutcome erased;
        try {
            erased = service.erase(id, origin(ex, who));
        } catch (GalleryCommandException e) {
            if (e.kind() != GalleryCommandException.Kind.TIMED_OUT) {
                throw failed(e);
            }
            // queued: the gallery processor applies it when it runs
            body.put("applied", false);
            body.put("pending", "gallery processor");
            body.put("message", e.getMessage());
            LOG.warn("erasure of subject {} by key {} is queued: {}", id, who.keyId(), e.getMessage());
            Exchanges.sendJson(ex, 202, body);
            return;
        }
        boolean viewApplied = gallery.awaitErased(erased, settings.applyTimeout());
        boolean matcherApplied = viewApplied && awaitMatcherDropped(id, deadline);
        body.put("applied", matcherApplied);
        if (erased.keyId() != null) {
            body.put("keyDestroyed", erased.keyId());
        }
        body.put("audit", erased.audit());
        if (!matcherApplied) {
            body.put("pending", viewApplied ? "matcher" : "gallery view");
        }
        LOG.info(
                "erased subject {} by key {} (key {}, {}, applied {})",
                id,
                who.keyId(),
                erased.keyId(),
                erased.command(),
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
        try {
            EnrollmentService.requireEnrollable(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        long deadline = uploads.deadlineFromNow();
        try (UploadGate.Slot slot = uploads.enter(ex)) {
            if (slot != null) {
                addFaces(ex, id, uploads.read(ex, deadline), who);
            }
        }
    }

    private void addFaces(HttpExchange ex, String id, MultipartForm form, Principal who) throws Exception {
        List<MultipartForm.Part> images = form.parts("image");
        if (images.isEmpty()) {
            throw new ApiException(
                    400,
                    "expected one or more files in form field 'image', found fields "
                            + form.parts().stream()
                                    .map(MultipartForm.Part::name)
                                    .distinct()
                                    .map(Exchanges::truncate)
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
                                        : (p.contentType() == null
                                                        ? "no content type"
                                                        : Exchanges.truncate(p.contentType()))
                                                + ", " + data.length + " bytes"));
            }
            bySource.put(Enroller.uniqueSource(bySource.keySet(), p.sourceName()), data);
        }
        String displayName = form.parts("displayName").stream()
                .findFirst()
                .map(p -> new String(p.data(), StandardCharsets.UTF_8).trim())
                .filter(s -> !s.isEmpty())
                .orElse(null);

        GalleryRecord fresh;
        analyzerLock.lockInterruptibly();
        try {
            fresh = photos.enroll(id, bySource);
        } catch (Enroller.EnrollmentException e) {
            throw new ApiException(422, e.getMessage());
        } finally {
            analyzerLock.unlock();
        }
        GalleryOutcome enrolled;
        try {
            enrolled = service.enroll(fresh, displayName, origin(ex, who));
        } catch (GalleryCommandException e) {
            throw failed(e);
        }
        boolean applied = gallery.awaitEnrolled(enrolled, settings.applyTimeout());
        ObjectNode out = gallery.subject(id)
                .filter(r -> applied)
                .map(SubjectsHandler::subjectJson)
                .orElseGet(() -> outcomeJson(enrolled));
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
                enrolled.templates());
        Exchanges.sendJson(ex, !applied ? 202 : enrolled.hadRecord() ? 200 : 201, out);
    }

    private static Origin origin(HttpExchange ex, Principal who) {
        return Origin.of(who.actor(), "api").with("remote", Exchanges.remote(ex));
    }

    /**
     * A gallery command that changed nothing: refused by the gallery processor (422, its reason), or not applied in
     * time or not submitted (503).
     */
    private static ApiException failed(GalleryCommandException e) {
        return new ApiException(e.kind() == GalleryCommandException.Kind.REFUSED ? 422 : 503, e.getMessage());
    }

    /** The path's subject id, checked by the gallery record's own rule (so no id passes here that a record refuses). */
    private static String subjectId(Matcher m) {
        String id = Exchanges.decode(m.group(1));
        if (!GalleryRecord.isSubjectId(id)) {
            throw new ApiException(
                    400,
                    "expected a subject id of " + GalleryRecord.SUBJECT_ID_RULE + ", found '" + Exchanges.truncate(id)
                            + "'");
        }
        return id;
    }

    private static ApiException unknownSubject(String id) {
        return new ApiException(404, "unknown subject " + id);
    }

    /** What an enrollment's outcome says of the subject, when the view has not read the record back. */
    private static ObjectNode outcomeJson(GalleryOutcome o) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", o.subjectId());
        n.put("templates", o.templates());
        n.put("modelPackId", o.modelPackId());
        n.put("enrolledAt", o.enrolledAt().toString());
        return n;
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
}
