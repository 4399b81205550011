package org.facestream.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed {@code multipart/form-data} body (RFC 7578): the boundary comes from the Content-Type, parts are
 * separated by {@code CRLF--boundary}, each part has headers up to an empty line. Lenient on bare LF line
 * ends (some clients send them), strict on structure: anything else is a {@link ApiException} 400 naming
 * what was expected. Immutable.
 */
public final class MultipartForm {
    private final List<Part> parts;

    /**
     * One part of the form.
     *
     * @param name the form field name
     * @param filename the file name, null for plain fields
     * @param contentType the part's Content-Type, null when absent
     * @param data the part's bytes
     */
    public record Part(String name, String filename, String contentType, byte[] data) {
        public Part {
            Objects.requireNonNull(name, "name");
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
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
            throw new ApiException(400, "expected Content-Type multipart/form-data, found " + params[0].trim());
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

    /** Parses {@code body} sent with {@code contentType}. */
    public static MultipartForm parse(String contentType, byte[] body) {
        byte[] delimiter = ("--" + boundary(contentType)).getBytes(StandardCharsets.ISO_8859_1);
        int start = indexOf(body, delimiter, 0);
        if (start < 0) {
            throw new ApiException(400, "expected the multipart boundary in the body, found none");
        }
        List<Part> parts = new ArrayList<>();
        int pos = start + delimiter.length;
        while (true) {
            if (startsWith(body, pos, "--")) {
                break; // close delimiter
            }
            pos = skipLineEnd(body, pos, "after a multipart boundary");
            int headersEnd = findBlankLine(body, pos);
            if (headersEnd < 0) {
                throw new ApiException(400, "expected part headers ending in an empty line, found the end of the body");
            }
            Map<String, String> headers = headers(new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8));
            int dataStart = skipBlankLine(body, headersEnd);
            int next = indexOf(body, delimiter, dataStart);
            if (next < 0) {
                throw new ApiException(400, "expected a closing multipart boundary, found the end of the body");
            }
            int dataEnd = next;
            // the CRLF (or LF) before the delimiter belongs to the delimiter
            if (dataEnd >= dataStart + 2 && body[dataEnd - 2] == '\r' && body[dataEnd - 1] == '\n') {
                dataEnd -= 2;
            } else if (dataEnd >= dataStart + 1 && body[dataEnd - 1] == '\n') {
                dataEnd -= 1;
            }
            parts.add(part(headers, Arrays.copyOfRange(body, dataStart, dataEnd)));
            pos = next + delimiter.length;
            if (pos >= body.length) {
                throw new ApiException(400, "expected a closing multipart boundary, found the end of the body");
            }
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
                    400, "expected Content-Disposition: form-data; name=\"...\", found '" + disposition + "'");
        }
        return new Part(name, params.get("filename"), headers.get("content-type"), data);
    }

    /** {@code form-data; name="image"; filename="a; b.jpg"}: parameters, with quoted values that may hold ';'. */
    static Map<String, String> dispositionParams(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = header.indexOf(';');
        if (i < 0 || !header.substring(0, i).trim().equalsIgnoreCase("form-data")) {
            throw new ApiException(400, "expected Content-Disposition form-data, found '" + header + "'");
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
                            400, "expected a closing quote in Content-Disposition, found '" + header + "'");
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

    private static Map<String, String> headers(String block) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : block.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ApiException(400, "expected a part header 'Name: value', found '" + truncate(line) + "'");
            }
            out.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static String truncate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private static int skipLineEnd(byte[] b, int pos, String where) {
        // transport padding (spaces, tabs) may follow a boundary
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t')) {
            pos++;
        }
        if (startsWith(b, pos, "\r\n")) {
            return pos + 2;
        }
        if (startsWith(b, pos, "\n")) {
            return pos + 1;
        }
        throw new ApiException(
                400,
                "expected a line end " + where + ", found "
                        + (pos >= b.length ? "the end of the body" : "other bytes"));
    }

    private static int findBlankLine(byte[] b, int from) {
        if (startsWith(b, from, "\r\n") || startsWith(b, from, "\n")) {
            return from; // a part without headers
        }
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n' && (startsWith(b, i + 1, "\r\n") || startsWith(b, i + 1, "\n"))) {
                return i + 1;
            }
        }
        return -1;
    }

    private static int skipBlankLine(byte[] b, int pos) {
        return startsWith(b, pos, "\r\n") ? pos + 2 : pos + 1;
    }

    private static boolean startsWith(byte[] b, int pos, String s) {
        if (pos < 0 || pos + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[pos + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
