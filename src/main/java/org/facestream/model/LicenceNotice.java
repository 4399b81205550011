package org.facestream.model;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per process, when a role loads a pack whose weights may not be used commercially, which licence
 * binds them and which pack does not: the default pack's embedder (InsightFace w600k) is for non-commercial
 * research only, and a deployment should know before it is in production, not from a README. Thread-safe.
 */
public final class LicenceNotice {
    private static final Logger LOG = LoggerFactory.getLogger(LicenceNotice.class);
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private LicenceNotice() {}

    /** Logs the notice of {@code pack} at WARN the first time this process loads it; nothing for a clean pack. */
    public static void onLoad(ModelPack pack) {
        text(pack).ifPresent(text -> {
            if (SAID.add(pack.id())) {
                LOG.warn(text);
            }
        });
    }

    /** The notice of a non-commercial pack, or empty for a pack whose weights allow commercial use. */
    public static Optional<String> text(ModelPack pack) {
        if (!pack.nonCommercial()) {
            return Optional.empty();
        }
        ModelPack clean = ModelPacks.OPENCV_ZOO_YUNET_SFACE;
        return Optional.of("model pack " + pack.id() + " is for non-commercial research only ("
                + pack.licence() + "); for commercial use take the licence-clean pack " + clean.id() + " ("
                + clean.licence() + ": facestream models pull " + clean.id() + ", README quick start)");
    }
}
