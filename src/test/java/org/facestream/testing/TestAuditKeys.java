package org.facestream.testing;

import java.nio.file.Path;
import org.facestream.crypto.AuditKey;
import org.facestream.crypto.AuditKeys;

/**
 * The test suite's audit key (src/test/resources/audit/test-audit.key), which surefire also hands every test
 * as {@code FACESTREAM_SECURITY_AUDIT_KEY_FILE}, so command-line runs inside tests seal and verify under it.
 */
public final class TestAuditKeys {
    private static final Path FILE = Path.of("src/test/resources/audit/test-audit.key");
    private static final AuditKeys KEYS = AuditKeys.of(AuditKey.read(FILE));

    private TestAuditKeys() {}

    /** The test audit key. */
    public static AuditKeys keys() {
        return KEYS;
    }

    /** Its file. */
    public static Path file() {
        return FILE.toAbsolutePath();
    }
}
