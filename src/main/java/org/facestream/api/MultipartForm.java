package org.facestream.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code multipart/form-data} body (RFC 7578) read as it streams in: the boundary comes from the Content-Type,
 * parts are separated by {@code CRLF--boundary}, each part has headers up to an empty line. Each part's bytes
 * are held once, in an array of exactly its size (filled from 64 kB pieces as they arrive), and the whole body
 * is bounded: more than {@code maxBytes} is 413 as soon as the excess arrives, a body that has not arrived by
 * its deadline is 408, part headers over 8 kB, file names over 255 characters or with control characters (a
 * carriage return, an escape sequence), or more than 64 parts are 400.
 * Lenient on bare LF line ends (some clients send them), strict on structure: anything else is a 400 naming
 * what was expected. Immutable once read.
 */
public final class MultipartForm {
    /** Most parts a form may have: enrollment sends a few photos and a display name. */
    static final int MAX_PARTS = 64;
    /** Longest part header block, in bytes. */
    static final int MAX_PART_HEADER_BYTES = 8192;
    /** Longest file name, in characters (what file systems allow). */
    static final int MAX_FILENAME_CHARS = 255;

    private static final int PIECE = 64 * 1024;

    private final List<Part> parts;

    /**
     * One part of the form. Its bytes are held once and {@link #data()} hands out that array, not a copy: a form
     * is read per request and its photos go on to be decoded, so copying a 10 MB part per access is what bounded
     * uploads avoid. Callers must not change the array.
     */
    public static final class Part {
        private final String name;
        private final String filename;
        private final String contentType;
        private final byte[] data;

        Part(String name, String filename, String contentType, byte[] data) {
            this.name = Objects.requireNonNull(name, "name");
            this.filename = filename;
            this.contentType = contentType;
            this.data = Objects.requireNonNull(data, "data");
        }

        /** The form field name. */
        public String name() {
            return name;
        }

        /** The file name (its last path segment), null for plain fields. */
        public String filename() {
            return filename;
        }

        /** The part's Content-Type, null when absent. */
        public String contentType() {
            return contentType;
        }

        /** The part's bytes (the form's own array: do not change it). */
        public byte[] data() {
            return data;
        }

        /** The filename, or the field name when the part has none. */
        public String sourceName() {
            return filename == null || filename.isBlank() ? name : filename;
        }
    }

    private MultipartForm(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /** Every part, in body order. */
    public List<Part> parts() {
        return parts;
    }

    /** The parts of field {@code name}, in body order. */
    public List<Part> parts(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).toList();
    }

    /** The boundary parameter of a {@code multipart/form-data} Content-Type. */
    static String boundary(String contentType) {
        if (contentType == null) {
            throw new ApiException(400, "expected Content-Type multipart/form-data, found none");
        }
        String[] params = contentType.split(";");
        if (!params[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            throw new ApiException(
                    400, "expected Content-Type multipart/form-data, found " + Exchanges.truncate(params[0].trim()));
        }
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String b = unquote(p.substring(eq + 1).trim());
                if (b.isEmpty() || b.length() > 70) {
                    throw new ApiException(
                            400, "expected a multipart boundary of 1-70 characters, found " + b.length());
                }
                return b;
            }
        }
        throw new ApiException(400, "expected a boundary parameter in Content-Type multipart/form-data, found none");
    }

    /** Parses a body already in memory (no size or time limit). */
    public static MultipartForm parse(String contentType, byte[] body) {
        try {
            return read(contentType, new ByteArrayInputStream(body), Long.MAX_VALUE, Long.MAX_VALUE);
        } catch (IOException e) {
            throw new IllegalStateException("a byte array cannot fail to read", e);
        }
    }

    /**
     * Reads a form from {@code in} as it arrives.
     *
     * @param maxBytes most body bytes accepted (413 beyond)
     * @param deadlineNanos {@link System#nanoTime()} by which the body must have arrived (408 after);
     *     {@link Long#MAX_VALUE} for none
     * @throws IOException when the client goes away
     */
    public static MultipartForm read(String contentType, InputStream in, long maxBytes, long deadlineNanos)
            throws IOException {
        String boundary = boundary(contentType);
        Body body = new Body(in, maxBytes, deadlineNanos);
        byte[] first = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] delimiter = ("\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        if (!body.skipPast(first)) {
            throw new ApiException(400, "expected the multipart boundary in the body, found none");
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            if (body.startsWith("--")) {
                break; // close delimiter; an epilogue is not read
            }
            body.skipLineEnd("after a multipart boundary");
            Map<String, String> headers = body.headers();
            Pieces data = new Pieces();
            if (!body.copyUntil(delimiter, data)) {
                throw new ApiException(400, "expected a closing multipart boundary, found the end of the body");
            }
            data.dropTrailingCr(); // the CR of the CRLF before the delimiter belongs to the delimiter
            if (parts.size() == MAX_PARTS) {
                throw new ApiException(400, "expected at most " + MAX_PARTS + " multipart parts, found more");
            }
            parts.add(part(headers, data.toArray()));
        }
        if (parts.isEmpty()) {
            throw new ApiException(400, "expected at least one multipart part, found none");
        }
        return new MultipartForm(parts);
    }

    private static Part part(Map<String, String> headers, byte[] data) {
        String disposition = headers.get("content-disposition");
        if (disposition == null) {
            throw new ApiException(
                    400, "expected a Content-Disposition header in every part, found a part without one");
        }
        Map<String, String> params = dispositionParams(disposition);
        String name = params.get("name");
        if (name == null || name.isEmpty()) {
            throw new ApiException(
                    400,
                    "expected Content-Disposition: form-data; name=\"...\", found '" + Exchanges.truncate(disposition)
                            + "'");
        }
        String filename = params.get("filename");
        if (filename != null && filename.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            // a carriage return or an escape sequence in a name that is logged, audited and shown back
            throw new ApiException(
                    400,
                    "expected a file name without control characters, found '" + Exchanges.truncate(filename) + "'");
        }
        if (filename != null && filename.length() > MAX_FILENAME_CHARS) {
            throw new ApiException(
                    400,
                    "expected a file name of at most " + MAX_FILENAME_CHARS + " characters, found " + filename.length()
                            + " characters ('" + Exchanges.truncate(filename) + "')");
        }
        return new Part(name, filename, headers.get("content-type"), data);
    }

    /** {@code form-data; name="image"; filename="a; b.jpg"}: parameters, with quoted values that may hold ';'. */
    static Map<String, String> dispositionParams(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = header.indexOf(';');
        if (i < 0 || !header.substring(0, i).trim().equalsIgnoreCase("form-data")) {
            throw new ApiException(
                    400, "expected Content-Disposition form-data, found '" + Exchanges.truncate(header) + "'");
        }
        int n = header.length();
        i++;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';' || header.charAt(i) == '\t')) {
                i++;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < n && header.charAt(i) == '"') {
                i++;
                while (i < n && header.charAt(i) != '"') {
                    char c = header.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        c = header.charAt(++i);
                    }
                    value.append(c);
                    i++;
                }
                if (i >= n) {
                    throw new ApiException(
                            400,
                            "expected a closing quote in Content-Disposition, found '" + Exchanges.truncate(header)
                                    + "'");
                }
                i++;
            } else {
                while (i < n && header.charAt(i) != ';') {
                    value.append(header.charAt(i++));
                }
            }
            out.put(
                    key,
                    key.equals("filename")
                            ? baseName(value.toString().trim())
                            : value.toString().trim());
        }
        return out;
    }

    /** Some browsers send a full client path as the filename: keep its last segment. */
    private static String baseName(String filename) {
        int slash = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
        return filename.substring(slash + 1);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** A part's bytes as they arrive: 64 kB pieces, joined once into an array of exactly their size. */
    private static final class Pieces {
        private final List<byte[]> full = new ArrayList<>();
        private byte[] current = new byte[0];
        private int used;
        private long size;

        void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (used == current.length) {
                    if (current.length > 0) {
                        full.add(current);
                    }
                    current = new byte[Math.min(PIECE, Math.max(256, len))];
                    used = 0;
                }
                int n = Math.min(len, current.length - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
                size += n;
            }
        }

        void dropTrailingCr() {
            if (used > 0 && current[used - 1] == '\r') {
                used--;
                size--;
            }
        }

        byte[] toArray() {
            byte[] out = new byte[(int) size];
            int pos = 0;
            for (byte[] piece : full) {
                System.arraycopy(piece, 0, out, pos, piece.length);
                pos += piece.length;
            }
            System.arraycopy(current, 0, out, pos, used);
            full.clear();
            current = new byte[0];
            return out;
        }
    }

    /** The body stream with a window of unread bytes, a byte budget and a deadline. */
    private static final class Body {
        private final InputStream in;
        private final long maxBytes;
        private final long deadlineNanos;
        private final byte[] buf = new byte[PIECE];
        private int start;
        private int end;
        private long total;
        private boolean eof;

        Body(InputStream in, long maxBytes, long deadlineNanos) {
            this.in = in;
            this.maxBytes = maxBytes;
            this.deadlineNanos = deadlineNanos;
        }

        /** Reads more into the window; false at the end of the body. */
        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                throw new IllegalStateException("expected room in the read window, found it full");
            }
            if (late()) {
                throw timedOut();
            }
            int n;
            try {
                n = in.read(buf, end, buf.length - end);
            } catch (IOException e) {
                if (isTimeout(e)) {
                    throw timedOut();
                }
                throw e;
            }
            if (n < 0) {
                eof = true;
                return false;
            }
            total += n;
            if (total > maxBytes) {
                throw new ApiException(
                        413,
                        "expected an upload of at most " + maxBytes + " bytes, found more (refused as it arrived)");
            }
            if (late()) {
                throw timedOut();
            }
            end += n;
            return true;
        }

        private boolean late() {
            return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0;
        }

        private static boolean isTimeout(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.util.concurrent.TimeoutException
                        || t instanceof java.net.SocketTimeoutException) {
                    return true;
                }
            }
            return false;
        }

        private ApiException timedOut() {
            return new ApiException(
                    408,
                    "expected the upload within its time limit, found " + total
                            + " bytes by then (send it faster, or smaller)");
        }

        /** Discards bytes up to and including {@code marker}; false when the body ends first. */
        boolean skipPast(byte[] marker) throws IOException {
            return copyUntil(marker, null);
        }

        /**
         * Copies bytes to {@code sink} (null: discards them) up to {@code marker}, consuming the marker; false when
         * the body ends first.
         */
        boolean copyUntil(byte[] marker, Pieces sink) throws IOException {
            while (true) {
                int at = indexOf(marker);
                if (at >= 0) {
                    if (sink != null) {
                        sink.write(buf, start, at - start);
                    }
                    start = at + marker.length;
                    return true;
                }
                // everything but a possible start of the marker at the end of the window is data
                int safe = Math.max(start, end - (marker.length - 1));
                if (sink != null) {
                    sink.write(buf, start, safe - start);
                }
                start = safe;
                if (!fill()) {
                    return false;
                }
            }
        }

        private int indexOf(byte[] marker) {
            byte first = marker[0];
            outer:
            for (int i = start; i <= end - marker.length; i++) {
                if (buf[i] != first) {
                    continue;
                }
                for (int j = 1; j < marker.length; j++) {
                    if (buf[i + j] != marker[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        /** Whether the unread bytes start with {@code s} (reading as needed), without consuming them. */
        boolean startsWith(String s) throws IOException {
            while (end - start < s.length()) {
                if (!fill()) {
                    return false;
                }
            }
            for (int i = 0; i < s.length(); i++) {
                if (buf[start + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Skips transport padding (spaces, tabs) and one CRLF or LF. */
        void skipLineEnd(String where) throws IOException {
            while (true) {
                if (start == end && !fill()) {
                    break;
                }
                if (buf[start] != ' ' && buf[start] != '\t') {
                    break;
                }
                start++;
            }
            if (startsWith("\r\n")) {
                start += 2;
            } else if (startsWith("\n")) {
                start += 1;
            } else {
                throw new ApiException(
                        400,
                        "expected a line end " + where + ", found "
                                + (start == end ? "the end of the body" : "other bytes"));
            }
        }

        /** A part's header lines up to the empty line, names lower-cased; at most 8 kB of them. */
        Map<String, String> headers() throws IOException {
            Map<String, String> out = new LinkedHashMap<>();
            int read = 0;
            while (true) {
                int lf;
                while ((lf = indexOfByte((byte) '\n')) < 0) {
                    if (end - start + read > MAX_PART_HEADER_BYTES) {
                        throw tooLongHeaders();
                    }
                    if (!fill()) {
                        throw new ApiException(
                                400, "expected part headers ending in an empty line, found the end of the body");
                    }
                }
                int lineEnd = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
                String line = new String(buf, start, lineEnd - start, StandardCharsets.UTF_8);
                read += lf + 1 - start;
                start = lf + 1;
                if (read > MAX_PART_HEADER_BYTES) {
                    throw tooLongHeaders();
                }
                if (line.isEmpty()) {
                    return out;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new ApiException(
                            400, "expected a part header 'Name: value', found '" + Exchanges.truncate(line) + "'");
                }
                out.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }

        private static ApiException tooLongHeaders() {
            return new ApiException(
                    400, "expected part headers of at most " + MAX_PART_HEADER_BYTES + " bytes, found more");
        }

        private int indexOfByte(byte b) {
            for (int i = start; i < end; i++) {
                if (buf[i] == b) {
                    return i;
                }
            }
            return -1;
        }
    }
}
