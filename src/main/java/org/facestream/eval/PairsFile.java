package org.facestream.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LFW pairs file, in either of its two forms:
 *
 * <ul>
 *   <li>View 1 ({@code pairsDevTrain.txt}, {@code pairsDevTest.txt}): a first line with the count N, then N
 *       matched lines {@code name n1 n2}, then N mismatched lines {@code name1 n1 name2 n2}. Files made for
 *       other photo sets in this form are often not exactly balanced, so a View 1 file is read by the form of
 *       each line instead of its position: any number of matched and mismatched lines in any order, with a
 *       header (a count that does not match the lines is logged, not refused) or without one;
 *   <li>View 2 ({@code pairs.txt}): a first line {@code folds n} (10 300), then per fold n matched lines and n
 *       mismatched lines, read by position (the folds are the protocol).
 * </ul>
 *
 * <p>Image {@code n} of {@code name} is {@code images/name/name_%04d.jpg}. Every image is checked to exist
 * while parsing, so a run that would fail after minutes of embedding fails at once, naming the line.
 *
 * @param file the file read
 * @param view 1 or 2
 * @param folds number of folds the file defines (1 for View 1)
 * @param pairs pairs in file order
 */
public record PairsFile(Path file, int view, int folds, List<FacePair> pairs) {
    private static final Logger LOG = LoggerFactory.getLogger(PairsFile.class);

    public PairsFile {
        Objects.requireNonNull(file, "file");
        if (view != 1 && view != 2) {
            throw new IllegalArgumentException("expected view 1 or 2, found " + view);
        }
        if (folds < 1) {
            throw new IllegalArgumentException("expected at least one fold, found " + folds);
        }
        pairs = List.copyOf(pairs);
    }

    /**
     * Reads and checks a pairs file against an image directory.
     *
     * @throws PairsFormatException naming the file and line: wrong header, malformed line, wrong line count,
     *     unknown name (no directory) or missing image
     */
    public static PairsFile read(Path file, Path imagesDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PairsFormatException(file + ": expected a readable pairs file, found " + e);
        }
        return parse(file, lines, imagesDir);
    }

    /** Parses lines already read; {@code file} names them in errors. */
    static PairsFile parse(Path file, List<String> rawLines, Path imagesDir) {
        String name = file.getFileName().toString();
        List<String> lines = new ArrayList<>(rawLines);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1); // a trailing newline or two is not a malformed line
        }
        if (lines.isEmpty()) {
            throw new PairsFormatException(
                    name + " line 1: expected a header 'N' (View 1) or 'folds N' (View 2), found an empty file");
        }
        String[] header = lines.get(0).trim().split("\\s+");
        int view;
        int folds;
        int perFold;
        if (header.length == 3 || header.length == 4) {
            return view1(file, name, lines, 0, -1, imagesDir); // no header: pair lines from the first
        } else if (header.length == 1) {
            return view1(file, name, lines, 1, positive(header[0], name, 1, lines.get(0)), imagesDir);
        } else if (header.length == 2) {
            view = 2;
            folds = positive(header[0], name, 1, lines.get(0));
            perFold = positive(header[1], name, 1, lines.get(0));
        } else {
            throw new PairsFormatException(
                    name + " line 1: expected a header 'N' (View 1) or 'folds N' (View 2), found '"
                            + lines.get(0).trim() + "'");
        }
        long expectedLines = 1 + 2L * folds * perFold;
        if (lines.size() != expectedLines) {
            int at = (int) Math.min(lines.size(), expectedLines) + (lines.size() < expectedLines ? 1 : 0);
            throw new PairsFormatException(name + " line " + at + ": expected " + (expectedLines - 1)
                    + " pair lines after the header '" + lines.get(0).trim() + "' (" + folds + " x 2 x " + perFold
                    + "), found " + (lines.size() - 1));
        }
        List<FacePair> pairs = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            int index = i - 1;
            int fold = index / (2 * perFold);
            boolean matchedBlock = index % (2 * perFold) < perFold;
            pairs.add(pairLine(lines.get(i), matchedBlock, view == 2 ? fold : 0, name, i + 1, imagesDir));
        }
        return new PairsFile(file, view, folds, pairs);
    }

    /** View 1 read by the form of each line, from {@code first}; {@code declared} the header's count or -1. */
    private static PairsFile view1(Path file, String name, List<String> lines, int first, int declared, Path images) {
        List<FacePair> pairs = new ArrayList<>(lines.size() - first);
        for (int i = first; i < lines.size(); i++) {
            String[] t = lines.get(i).trim().split("\\s+");
            boolean matched = t.length == 3;
            pairs.add(pairLine(lines.get(i), matched, 0, name, i + 1, images));
        }
        if (pairs.isEmpty()) {
            throw new PairsFormatException(name + " line 2: expected pair lines after the header, found none");
        }
        long same = pairs.stream().filter(FacePair::same).count();
        long different = pairs.size() - same;
        if (declared >= 0 && (same != declared || different != declared)) {
            LOG.warn(
                    "{}: the header says {} matched and {} mismatched pairs, found {} and {}; evaluating all {}",
                    name,
                    declared,
                    declared,
                    same,
                    different,
                    pairs.size());
        }
        return new PairsFile(file, 1, 1, pairs);
    }

    private static FacePair pairLine(
            String line, boolean matchedBlock, int fold, String file, int lineNo, Path images) {
        String[] t = line.trim().split("\\s+");
        String where = file + " line " + lineNo;
        if (t.length == 3 && isNumber(t[1]) && isNumber(t[2])) {
            if (!matchedBlock) {
                throw new PairsFormatException(
                        where + ": expected a mismatched pair 'name1 n1 name2 n2', found '" + line.trim() + "'");
            }
            return new FacePair(
                    image(images, t[0], t[1], where),
                    image(images, t[0], t[2], where),
                    true,
                    fold,
                    file + ":" + lineNo);
        }
        if (t.length == 4 && isNumber(t[1]) && isNumber(t[3]) && !isNumber(t[2])) {
            if (matchedBlock) {
                throw new PairsFormatException(
                        where + ": expected a matched pair 'name n1 n2', found '" + line.trim() + "'");
            }
            return new FacePair(
                    image(images, t[0], t[1], where),
                    image(images, t[2], t[3], where),
                    false,
                    fold,
                    file + ":" + lineNo);
        }
        throw new PairsFormatException(
                where + ": expected 'name n1 n2' or 'name1 n1 name2 n2', found '" + line.trim() + "'");
    }

    private static Path image(Path images, String person, String number, String where) {
        Path dir = images.resolve(person);
        if (person.contains("/") || person.contains("\\") || person.startsWith(".")) {
            throw new PairsFormatException(where + ": expected a person name, found '" + person + "'");
        }
        if (!Files.isDirectory(dir)) {
            throw new PairsFormatException(
                    where + ": expected a folder for '" + person + "' in " + images + ", found none (unknown name)");
        }
        Path file = dir.resolve(String.format("%s_%04d.jpg", person, Integer.parseInt(number)));
        if (!Files.isRegularFile(file)) {
            throw new PairsFormatException(where + ": expected image " + file + ", found none");
        }
        return file;
    }

    private static int positive(String token, String file, int lineNo, String line) {
        if (!isNumber(token) || Integer.parseInt(token) < 1) {
            throw new PairsFormatException(
                    file + " line " + lineNo + ": expected a header 'N' (View 1) or 'folds N' (View 2) "
                            + "with positive counts, found '" + line.trim() + "'");
        }
        return Integer.parseInt(token);
    }

    private static boolean isNumber(String s) {
        return s.length() >= 1 && s.length() <= 6 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Number of matched pairs. */
    public long matched() {
        return pairs.stream().filter(FacePair::same).count();
    }
}
