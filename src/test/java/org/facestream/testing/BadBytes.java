package org.facestream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.facestream.events.Json;

/**
 * Bad inputs for the fault tests, from one place: seeded random bytes, every truncation and byte flips of a
 * valid encoding, structural mutations of a valid JSON document (a field removed, nulled, of the wrong type,
 * out of range, NaN), and crafted images (a decompression bomb, a JPEG corrupted after its header, a
 * progressive JPEG whose last scan is repeated: a scan bomb). The same
 * seed gives the same inputs, so a failure names an input that can be reproduced.
 */
public final class BadBytes {
    private BadBytes() {}

    /** One bad input and how it was made (for assertion messages). */
    public record Input(String how, byte[] bytes) {
        @Override
        public String toString() {
            return how + " (" + bytes.length + " bytes)";
        }
    }

    /**
     * {@code random} random byte strings of length 0-511, every truncation of {@code valid} (all lengths when it
     * is short, a seeded sample otherwise), and {@code flips} copies of {@code valid} with 1-4 bytes changed.
     */
    public static List<Input> around(byte[] valid, long seed, int random, int flips) {
        Random r = new Random(seed);
        List<Input> out = new ArrayList<>();
        out.add(new Input("empty", new byte[0]));
        for (int i = 0; i < random; i++) {
            byte[] b = new byte[r.nextInt(512)];
            r.nextBytes(b);
            out.add(new Input("random #" + i, b));
        }
        int step = Math.max(1, valid.length / 400);
        for (int len = 0; len < valid.length; len += len < 64 ? 1 : step + r.nextInt(step)) {
            out.add(new Input("truncated to " + len, Arrays.copyOf(valid, len)));
        }
        for (int i = 0; i < flips; i++) {
            byte[] b = valid.clone();
            int n = 1 + r.nextInt(4);
            StringBuilder how = new StringBuilder("flipped");
            for (int k = 0; k < n; k++) {
                int at = r.nextInt(b.length);
                b[at] = (byte) r.nextInt(256);
                how.append(' ').append(at);
            }
            out.add(new Input(how.toString(), b));
        }
        out.add(new Input("valid followed by junk", concat(valid, new byte[] {0, (byte) 0xFF, '{'})));
        return out;
    }

    /**
     * Structural mutations of a JSON document: for every field (nested ones too) the document without it,
     * with it null, a string, a number out of float range, {@code "NaN"}, an empty array and an empty object;
     * plus JSON that is not an object, deep nesting and huge numbers.
     */
    public static List<Input> jsonMutations(byte[] validJson) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(validJson);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("expected valid JSON to mutate", e);
        }
        List<Input> out = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        collectPaths(root, "", paths);
        JsonNodeFactory f = JsonNodeFactory.instance;
        for (String path : paths) {
            out.add(mutated(root, path, "removed", null, true));
            out.add(mutated(root, path, "null", f.nullNode(), false));
            out.add(mutated(root, path, "a string", f.textNode("x"), false));
            out.add(mutated(root, path, "1e400", f.numberNode(new java.math.BigDecimal("1e400")), false));
            out.add(mutated(root, path, "-1e39", f.numberNode(new java.math.BigDecimal("-1e39")), false));
            out.add(mutated(root, path, "\"NaN\"", f.textNode("NaN"), false));
            out.add(mutated(root, path, "an empty array", f.arrayNode(), false));
            out.add(mutated(root, path, "an empty object", f.objectNode(), false));
            out.add(mutated(root, path, "base64 junk", f.textNode("!!not base64!!"), false));
        }
        for (String s : List.of(
                "null",
                "[]",
                "{}",
                "\"text\"",
                "42",
                "true",
                "[1,2,3]",
                "{\"data\":null}",
                "{\"specversion\":\"1.0\",\"type\":\"org.facestream.identity.v1\"}",
                "{\"specversion\":\"1.0\",\"type\":\"org.facestream.identity.v1\",\"data\":7}",
                "{\"embedding\":[NaN]}",
                "{\"a\":1} {\"b\":2}")) {
            out.add(new Input("json " + s, s.getBytes(StandardCharsets.UTF_8)));
        }
        out.add(new Input(
                "nested 100000 deep", ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8)));
        out.add(new Input(
                "a number of 200000 digits",
                ("{\"sequence\":" + "9".repeat(200_000) + "}").getBytes(StandardCharsets.UTF_8)));
        out.add(new Input(
                "a string of 1 MB",
                ("{\"observationId\":\"" + "a".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /**
     * A minimal JPEG header (SOI, SOF0, EOI) that declares {@code width x height} pixels in about 20 bytes: a
     * decompression bomb, to be refused before any pixel is allocated.
     */
    public static byte[] jpegDeclaring(int width, int height) {
        return new byte[] {
            (byte) 0xFF,
            (byte) 0xD8,
            (byte) 0xFF,
            (byte) 0xC0,
            0,
            17,
            8,
            (byte) (height >> 8),
            (byte) height,
            (byte) (width >> 8),
            (byte) width,
            3,
            1,
            0x22,
            0,
            2,
            0x11,
            1,
            3,
            0x11,
            1,
            (byte) 0xFF,
            (byte) 0xD9
        };
    }

    /** {@code jpeg} with its entropy-coded data overwritten after byte {@code from}: the header reads, the pixels do not. */
    public static byte[] corruptedAfter(byte[] jpeg, int from) {
        byte[] b = jpeg.clone();
        for (int i = from; i < b.length - 2; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void collectPaths(JsonNode node, String prefix, List<String> out) {
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                String p = prefix + "/" + name;
                out.add(p);
                collectPaths(node.get(name), p, out);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            String p = prefix + "/0";
            out.add(p);
            collectPaths(node.get(0), p, out);
        }
    }

    private static Input mutated(JsonNode root, String path, String how, JsonNode replacement, boolean remove) {
        JsonNode copy = root.deepCopy();
        int slash = path.lastIndexOf('/');
        JsonNode parent = copy.at(path.substring(0, slash));
        String last = path.substring(slash + 1);
        if (parent instanceof ObjectNode o) {
            if (remove) {
                o.remove(last);
            } else {
                o.set(last, replacement);
            }
        } else if (parent instanceof ArrayNode a) {
            int i = Integer.parseInt(last);
            if (remove) {
                a.remove(i);
            } else {
                a.set(i, replacement);
            }
        }
        try {
            return new Input(path + " " + how, Json.MAPPER.writeValueAsBytes(copy));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
    /**
     * A progressive JPEG of {@code width x height} (ImageIO's progressive mode, libjpeg's simple progression: 10
     * scans for colour) of 16x16 blocks of seeded random grey levels.
     */
    public static byte[] progressiveJpeg(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        Random r = new Random(seed);
        byte[] row = new byte[width * 3];
        for (int y = 0; y < height; y++) {
            if (y % 16 == 0) {
                for (int x = 0; x < width; x += 16) {
                    byte level = (byte) r.nextInt(256);
                    Arrays.fill(row, x * 3, Math.min(width, x + 16) * 3, level);
                }
            }
            System.arraycopy(row, 0, pixels, y * width * 3, row.length);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * A scan bomb (issue 13): {@code jpeg} with its last scan (start-of-scan segment and entropy-coded data)
     * repeated {@code repeats} more times before the end-of-image marker. It decodes to the same picture, but
     * every repeated scan walks all coefficient blocks again.
     */
    public static byte[] repeatingLastScan(byte[] jpeg, int repeats) {
        int pos = 2;
        int lastScan = -1;
        int lastScanEnd = -1;
        while (pos + 3 < jpeg.length) {
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker == 0xD9) {
                break;
            }
            int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
            int next = pos + 2 + length;
            if (marker == 0xDA) {
                while (!((jpeg[next] & 0xFF) == 0xFF
                        && (jpeg[next + 1] & 0xFF) != 0
                        && ((jpeg[next + 1] & 0xFF) < 0xD0 || (jpeg[next + 1] & 0xFF) > 0xD7))) {
                    next++;
                }
                lastScan = pos;
                lastScanEnd = next;
            }
            pos = next;
        }
        if (lastScan < 0) {
            throw new IllegalArgumentException("expected a JPEG with a scan, found none");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + repeats * (lastScanEnd - lastScan));
        out.write(jpeg, 0, lastScanEnd);
        for (int i = 0; i < repeats; i++) {
            out.write(jpeg, lastScan, lastScanEnd - lastScan);
        }
        out.write(jpeg, lastScanEnd, jpeg.length - lastScanEnd);
        return out.toByteArray();
    }
}
