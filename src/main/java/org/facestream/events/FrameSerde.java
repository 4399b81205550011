package org.facestream.events;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link Frame}: frames are mostly JPEG bytes, so a small fixed header beats base64 in JSON.
 * Layout (big-endian): magic, camera id (u16 length + UTF-8), in layout 2 the ingest run (u8 length +
 * ASCII), sequence i64, capturedAt (epoch seconds i64, nanos i32), mediaTimeMillis i64, width i32, height
 * i32, JPEG (i32 length + bytes). Magic "FSF2" (layout 2) is written for frames with an ingest run, "FSF1"
 * (layout 1, no run) for frames without; both are read, so frames written before runs existed still read.
 */
public final class FrameSerde implements Serde<Frame>, Serializer<Frame>, Deserializer<Frame> {
    private static final int MAGIC_V1 = 0x46534631; // "FSF1"
    private static final int MAGIC_V2 = 0x46534632; // "FSF2": v1 plus the ingest run after the camera id

    @Override
    public byte[] serialize(String topic, Frame f) {
        if (f == null) {
            return null;
        }
        byte[] camera = f.cameraId().getBytes(StandardCharsets.UTF_8);
        var bytes = new ByteArrayOutputStream(64 + f.jpegLength());
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(f.ingestRun() == null ? MAGIC_V1 : MAGIC_V2);
            out.writeShort(camera.length);
            out.write(camera);
            if (f.ingestRun() != null) {
                byte[] run = f.ingestRun().getBytes(StandardCharsets.US_ASCII);
                out.writeByte(run.length);
                out.write(run);
            }
            out.writeLong(f.sequence());
            out.writeLong(f.capturedAt().getEpochSecond());
            out.writeInt(f.capturedAt().getNano());
            out.writeLong(f.mediaTimeMillis());
            out.writeInt(f.width());
            out.writeInt(f.height());
            byte[] jpeg = f.jpeg();
            out.writeInt(jpeg.length);
            out.write(jpeg);
        } catch (IOException e) {
            throw new SerializationException("cannot write frame " + f, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Frame deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            int magic = in.getInt();
            if (magic != MAGIC_V1 && magic != MAGIC_V2) {
                throw new SerializationException(
                        "expected frame magic FSF1 or FSF2 on " + topic + ", found 0x" + Integer.toHexString(magic));
            }
            byte[] camera = new byte[in.getShort() & 0xffff];
            in.get(camera);
            String run = null;
            if (magic == MAGIC_V2) {
                byte[] runBytes = new byte[in.get() & 0xff];
                in.get(runBytes);
                run = new String(runBytes, StandardCharsets.US_ASCII);
            }
            long sequence = in.getLong();
            Instant capturedAt = Instant.ofEpochSecond(in.getLong(), in.getInt());
            long mediaTime = in.getLong();
            int width = in.getInt();
            int height = in.getInt();
            int length = in.getInt();
            if (length < 0 || length != in.remaining()) {
                throw new SerializationException(
                        "expected " + length + " JPEG bytes on " + topic + ", found " + in.remaining());
            }
            byte[] jpeg = new byte[length];
            in.get(jpeg);
            return new Frame(
                    new String(camera, StandardCharsets.UTF_8),
                    run,
                    sequence,
                    capturedAt,
                    mediaTime,
                    width,
                    height,
                    jpeg);
        } catch (BufferUnderflowException e) {
            throw new SerializationException(
                    "expected a whole frame on " + topic + ", found " + data.length + " truncated bytes", e);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new SerializationException("frame on " + topic + " is invalid: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<Frame> serializer() {
        return this;
    }

    @Override
    public Deserializer<Frame> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
}
