package org.facestream.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.facestream.audit.AuditLog;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's keys from a key file ({@code api.keys.file}), reloaded when the file changes so keys can be added
 * and revoked without a restart. Every load is audited: the keys at start ({@code api-keys-loaded}), each
 * accepted change with the ids added, removed and whose role changed ({@code api-keys-changed}), and each
 * refused file with its error ({@code api-keys-rejected}; the previous keys stay in force, so a typo cannot
 * lock everyone out or open the API). Audit records carry key ids, roles and the file's SHA-256, never hashes
 * of keys. Thread-safe.
 */
public final class ApiKeyFile implements Credentials, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyFile.class);
    private final Path file;
    private final AuditLog audit;
    private final String actor;
    private volatile ApiKeys keys;
    private String rejectedDigest;
    private Thread watcher;
    private volatile boolean closed;

    private ApiKeyFile(Path file, ApiKeys keys, AuditLog audit, String actor) {
        this.file = file;
        this.keys = keys;
        this.audit = audit;
        this.actor = actor;
    }

    /**
     * Reads {@code file} and audits its keys under {@code actor} (the process).
     *
     * @throws ApiKeys.KeyFileException when the file is unreadable or invalid: the API does not start without keys
     */
    public static ApiKeyFile load(Path file, AuditLog audit, String actor) {
        ApiKeys keys = ApiKeys.read(file);
        ApiKeyFile f = new ApiKeyFile(file, keys, audit, actor);
        audit.append(AuditEntry.of(
                actor,
                AuditRecord.API_KEYS_LOADED,
                null,
                Map.of(
                        "file",
                        file.toAbsolutePath().toString(),
                        "file.sha256",
                        keys.digest(),
                        "keys",
                        describe(keys.roles()))));
        LOG.info("API keys from {}: {}", file, describe(keys.roles()));
        return f;
    }

    /** Checks the file every {@code interval} on a daemon thread, until {@link #close()}. */
    public ApiKeyFile watchEvery(Duration interval) {
        watcher = Thread.ofPlatform().daemon().name("api-key-file").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(interval);
                    reloadIfChanged();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("checking API key file {} failed; the current keys stay in force", file, e);
                }
            }
        });
        return this;
    }

    @Override
    public Optional<Principal> authenticate(String presentedKey) {
        return keys.authenticate(presentedKey);
    }

    /** The keys in force. */
    public ApiKeys keys() {
        return keys;
    }

    /**
     * Reads the file again; when its content changed, takes the new keys (or refuses them) and audits that.
     *
     * @return whether the keys in force changed
     */
    public synchronized boolean reloadIfChanged() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            // a file being replaced can be missing for a moment: keep the keys and look again next time
            LOG.warn("cannot read API key file {} ({}); the current keys stay in force", file, e.toString());
            return false;
        }
        String digest = AuditRecord.sha256Hex(bytes);
        if (digest.equals(keys.digest()) || digest.equals(rejectedDigest)) {
            return false;
        }
        ApiKeys next;
        try {
            next = ApiKeys.parse(new String(bytes, StandardCharsets.UTF_8), file.toString(), digest);
        } catch (ApiKeys.KeyFileException e) {
            LOG.error("refused the changed API key file: {}; the previous keys stay in force", e.getMessage());
            audit.append(AuditEntry.of(
                    actor,
                    AuditRecord.API_KEYS_REJECTED,
                    null,
                    Map.of(
                            "file",
                            file.toAbsolutePath().toString(),
                            "file.sha256",
                            digest,
                            "error",
                            e.getMessage().replaceAll("\\p{Cntrl}", "?"),
                            "keys.in.force",
                            describe(keys.roles()))));
            rejectedDigest = digest; // once audited, the same bad content is not reported again
            return false;
        }
        SortedMap<String, Role> before = keys.roles();
        SortedMap<String, Role> after = next.roles();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        after.forEach((id, role) -> {
            if (!before.containsKey(id)) {
                added.add(id + ":" + role.label());
            } else if (before.get(id) != role) {
                changed.add(id + ":" + before.get(id).label() + "->" + role.label());
            }
        });
        before.keySet().stream().filter(id -> !after.containsKey(id)).forEach(removed::add);
        Map<String, String> d = new TreeMap<>();
        d.put("file", file.toAbsolutePath().toString());
        d.put("file.sha256", digest);
        d.put("previous.sha256", keys.digest());
        d.put("keys", describe(after));
        d.put("added", String.join(",", added));
        d.put("removed", String.join(",", removed));
        d.put("role.changed", String.join(",", changed));
        // audited first: if the audit log is down the old keys stay, and the next check tries again
        audit.append(AuditEntry.of(actor, AuditRecord.API_KEYS_CHANGED, null, d));
        keys = next;
        rejectedDigest = null;
        LOG.info(
                "API key file {} reloaded: added [{}], removed [{}], role changed [{}]",
                file,
                String.join(",", added),
                String.join(",", removed),
                String.join(",", changed));
        return true;
    }

    /** {@code id:role,id:role}, sorted by id. */
    public static String describe(SortedMap<String, Role> roles) {
        List<String> parts = new ArrayList<>();
        roles.forEach((id, role) -> parts.add(id + ":" + role.label()));
        return String.join(",", parts);
    }

    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
