package org.facestream.gallery;

import java.util.Locale;

/**
 * What the matcher's {@link GalleryIndex} scans for each observation (one probe at a time, the memory-bound
 * case where compressed rows pay): {@code fp32} only, a compressed copy always ({@code fp16}, {@code int8}),
 * or {@code auto}: an int8 copy kept beside the fp32 rows and scanned once the gallery holds at least
 * {@value #AUTO_COMPRESSED_FROM_ROWS} templates. Below that the fp32 rows (16 MiB at dimension 512) stay in a
 * server's last-level cache and the scan is cheaper than the compressed one's candidate re-scoring; measured
 * with {@code facestream bench gallery} on a 2-core AMD EPYC (16 MiB L3), 3 templates per subject, top 5, p50:
 * 6,000 templates fp32 0.30 ms, int8 0.36 ms; 9,900: 0.77 ms, 0.55 ms; 15,000: 1.52 ms, 0.82 ms (README,
 * Accuracy and performance). Results are exact in every mode.
 *
 * @param storage the copy kept beside the fp32 rows (FP32: none)
 * @param compressedFromRows templates from which searches scan that copy (0: always; ignored for FP32)
 */
public record GallerySearch(Storage storage, int compressedFromRows) {
    /** Templates from which {@code auto} scans its int8 copy. */
    public static final int AUTO_COMPRESSED_FROM_ROWS = 8192;

    public static final GallerySearch FP32 = new GallerySearch(Storage.FP32, 0);
    public static final GallerySearch AUTO = new GallerySearch(Storage.INT8, AUTO_COMPRESSED_FROM_ROWS);

    public GallerySearch {
        if (storage == null) {
            throw new IllegalArgumentException("expected a storage, found null");
        }
        if (compressedFromRows < 0) {
            throw new IllegalArgumentException("expected compressedFromRows >= 0, found " + compressedFromRows);
        }
    }

    /** {@code auto}, {@code fp32}, {@code fp16} or {@code int8} (any case). */
    public static GallerySearch parse(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "fp32" -> FP32;
            case "fp16" -> new GallerySearch(Storage.FP16, 0);
            case "int8" -> new GallerySearch(Storage.INT8, 0);
            default -> throw new IllegalArgumentException("expected auto, fp32, fp16 or int8, found '" + name + "'");
        };
    }

    /** Whether a search over {@code rows} templates scans the compressed copy. */
    public boolean compressedAt(int rows) {
        return storage != Storage.FP32 && rows >= compressedFromRows;
    }
}
