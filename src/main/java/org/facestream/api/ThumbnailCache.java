package org.facestream.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Aligned face thumbnails (JPEG bytes) by observation id, least recently used evicted first, bounded by
 * entry count and total bytes. Only thumbnails are kept, never embeddings. Thread-safe.
 */
public final class ThumbnailCache {
    private final int maxEntries;
    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<String, byte[]> byId = new LinkedHashMap<>(256, 0.75f, true);

    public ThumbnailCache(int maxEntries, long maxBytes) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException(
                    "expected thumbnail cache limits >= 1, found " + maxEntries + " entries, " + maxBytes + " bytes");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    public synchronized void put(String observationId, byte[] jpeg) {
        if (jpeg == null || jpeg.length == 0 || jpeg.length > maxBytes) {
            return;
        }
        byte[] old = byId.put(observationId, jpeg.clone());
        bytes += jpeg.length - (old == null ? 0 : old.length);
        var it = byId.entrySet().iterator();
        while ((byId.size() > maxEntries || bytes > maxBytes) && it.hasNext()) {
            Map.Entry<String, byte[]> eldest = it.next();
            bytes -= eldest.getValue().length;
            it.remove();
        }
    }

    /** Drops the thumbnail of {@code observationId}, if held (an erased subject's). */
    public synchronized void remove(String observationId) {
        byte[] old = byId.remove(observationId);
        if (old != null) {
            bytes -= old.length;
        }
    }

    public synchronized Optional<byte[]> get(String observationId) {
        byte[] b = byId.get(observationId);
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    public synchronized boolean contains(String observationId) {
        return byId.containsKey(observationId);
    }

    public synchronized int size() {
        return byId.size();
    }
}
