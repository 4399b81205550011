package org.facestream.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * TEXMEX {@code .fvecs}/{@code .ivecs} files (the ANN-benchmark layout): per row a little-endian int32
 * dimension, then that many little-endian float32 (or int32) values. Read through a {@link FileChannel} in
 * chunks of rows viewed as a little-endian {@link FloatBuffer}: 100k x 512 reads in well under a second.
 */
public final class Vectors {
    private static final int CHUNK_BYTES = 8 << 20;

    private Vectors() {}

    /** Dimension and row count of an {@code .fvecs} file, checked against its size. */
    public record Shape(int dimension, int rows) {}

    public static Shape shape(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 4) {
                throw new IllegalArgumentException(
                        "expected an .fvecs file of at least 4 bytes, found " + size + " in " + file);
            }
            ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            int dim = head.getInt(0);
            if (dim <= 0 || dim > 65536) {
                throw new IllegalArgumentException("expected a dimension in [1, 65536], found " + dim + " in " + file);
            }
            long rowBytes = 4L + 4L * dim;
            if (size % rowBytes != 0) {
                throw new IllegalArgumentException("expected a size that is a multiple of " + rowBytes
                        + " bytes (dimension " + dim + "), found " + size + " in " + file);
            }
            long rows = size / rowBytes;
            if (rows > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("expected at most " + Integer.MAX_VALUE + " rows, found " + rows);
            }
            return new Shape(dim, (int) rows);
        }
    }

    /** Streams the rows of an {@code .fvecs} file to {@code sink}; the array passed is reused between calls. */
    public static Shape forEachRow(Path file, Consumer<float[]> sink) throws IOException {
        Shape shape = shape(file);
        int dim = shape.dimension();
        int rowBytes = 4 + 4 * dim;
        int rowsPerChunk = Math.max(1, CHUNK_BYTES / rowBytes);
        ByteBuffer buf = ByteBuffer.allocateDirect(rowsPerChunk * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] row = new float[dim];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            int done = 0;
            while (done < shape.rows()) {
                int n = Math.min(rowsPerChunk, shape.rows() - done);
                buf.clear().limit(n * rowBytes);
                while (buf.hasRemaining()) {
                    int got = ch.read(buf, pos + buf.position());
                    if (got < 0) {
                        throw new IOException(
                                "expected " + shape.rows() + " rows, found end of file after " + done + " in " + file);
                    }
                }
                buf.flip();
                IntBuffer ints = buf.asIntBuffer();
                FloatBuffer floats = buf.asFloatBuffer();
                for (int r = 0; r < n; r++) {
                    int d = ints.get(r * (dim + 1));
                    if (d != dim) {
                        throw new IllegalArgumentException(
                                "expected dimension " + dim + " in row " + (done + r) + ", found " + d + " in " + file);
                    }
                    floats.get(r * (dim + 1) + 1, row, 0, dim);
                    sink.accept(row);
                }
                pos += (long) n * rowBytes;
                done += n;
            }
        }
        return shape;
    }

    public static float[][] readAll(Path file) throws IOException {
        Shape shape = shape(file);
        float[][] out = new float[shape.rows()][];
        int[] i = {0};
        forEachRow(file, row -> out[i[0]++] = row.clone());
        return out;
    }

    /** Writes {@code .ivecs}: each row's length, then its values. */
    public static void writeIvecs(Path file, int[][] rows) throws IOException {
        long bytes = 0;
        for (int[] r : rows) {
            bytes += 4L + 4L * r.length;
        }
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf =
                    ByteBuffer.allocate((int) Math.min(bytes, CHUNK_BYTES) + 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] r : rows) {
                if (buf.remaining() < 4 + 4 * r.length) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    buf.clear();
                }
                buf.putInt(r.length);
                for (int v : r) {
                    buf.putInt(v);
                }
            }
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }
}
