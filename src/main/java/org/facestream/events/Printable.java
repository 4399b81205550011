package org.facestream.events;

/**
 * How text that came from outside (an uploaded file's name, a header, a path) is shown in logs and in messages
 * to clients: control characters escaped, so a carriage return, a line feed or a terminal escape sequence
 * (ESC, CSI) in a file name can neither forge a log line nor drive the terminal that shows it, bidirectional
 * overrides escaped so the text reads as it is stored, and the length bounded, so an input of megabytes is not
 * repeated back. Escapes: {@code \r}, {@code \n}, {@code \t}, other such characters as {@code \}{@code uXXXX};
 * a backslash stays as it is, so text escaped once is not escaped again when it is shown a second time.
 */
public final class Printable {
    private Printable() {}

    /** {@code s} escaped, at most {@code max} characters of it, then {@code ...(N characters)} when cut; "null" for null. */
    public static String of(String s, int max) {
        if (s == null) {
            return "null";
        }
        int n = s.length();
        int keep = Math.min(n, Math.max(0, max));
        if (keep < n && keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--;
        }
        StringBuilder sb = null;
        for (int i = 0; i < keep; i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape != null && sb == null) {
                sb = new StringBuilder(keep + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (escape != null) {
                    sb.append(escape);
                } else {
                    sb.append(c);
                }
            }
        }
        String out = sb == null ? s.substring(0, keep) : sb.toString();
        return keep < n ? out + "...(" + n + " characters)" : out;
    }

    /** {@code s} escaped, at most 200 characters of it: for log lines. */
    public static String of(String s) {
        return of(s, 200);
    }

    private static String escape(char c) {
        switch (c) {
            case '\r':
                return "\\r";
            case '\n':
                return "\\n";
            case '\t':
                return "\\t";
            default:
                break;
        }
        boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
        boolean bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F;
        boolean separator = c == 0x2028 || c == 0x2029;
        return control || bidi || separator ? String.format("\\u%04X", (int) c) : null;
    }
}
