package org.facestream.model;

/**
 * Loads the OpenCV native library bundled with {@code org.openpnp:opencv} once per process. Every class that
 * creates a {@code Mat} calls {@link #load()} first; later calls cost a volatile read.
 */
public final class OpenCvNatives {
    private static volatile boolean loaded;

    private OpenCvNatives() {}

    public static void load() {
        if (!loaded) {
            synchronized (OpenCvNatives.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    loaded = true;
                }
            }
        }
    }
}
