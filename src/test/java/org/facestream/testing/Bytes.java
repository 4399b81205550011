package org.facestream.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Byte searches for tests that prove something is not stored in the clear (an embedding in RocksDB files). */
public final class Bytes {
    private Bytes() {}

    /** The first {@code n} floats of {@code v} as IEEE-754 bytes, little-endian (how x86 memory holds them). */
    public static byte[] littleEndian(float[] v, int n) {
        return floats(v, n, ByteOrder.LITTLE_ENDIAN);
    }

    /** The first {@code n} floats of {@code v} as IEEE-754 bytes, big-endian (how {@code DataOutput} writes them). */
    public static byte[] bigEndian(float[] v, int n) {
        return floats(v, n, ByteOrder.BIG_ENDIAN);
    }

    private static byte[] floats(float[] v, int n, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(order);
        for (int i = 0; i < n; i++) {
            b.putFloat(v[i]);
        }
        return b.array();
    }

    /** Index of the first occurrence of {@code needle} in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Every regular file under {@code dir} whose bytes contain {@code needle}. */
    public static List<Path> filesContaining(Path dir, byte[] needle) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                    found.add(f);
                }
            }
        }
        return found;
    }
}
