package org.facestream.enroll;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.AuditChain;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.ErasureRecord;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Topics;
import org.facestream.testing.TestAuditKeys;

/**
 * The gallery processor's decisions ({@link GalleryChanges}) applied at once to maps, as the Streams processor
 * applies them to its stores: the {@link GalleryCommands} of tests that need the real enrollment and erasure rules
 * without Kafka. Keeps every command, entry, erasure and audit entry for the test to look at. Thread-safe.
 */
public final class InMemoryGalleryProcessor implements GalleryCommands {
    private final MasterKeys masterKeys;
    private final GalleryChanges changes;
    private final Clock clock;
    private final Map<String, SubjectEntry> entries = new HashMap<>();
    private final Map<String, ErasureRecord> destroyed = new HashMap<>();
    private final List<GalleryCommand> commands = new ArrayList<>();
    private final List<AuditEntry> audited = new ArrayList<>();
    private AuditChain chain = AuditChain.start("gallery-0-test");

    public InMemoryGalleryProcessor(MasterKeys masterKeys, Clock clock) {
        this.masterKeys = masterKeys;
        this.changes = new GalleryChanges(masterKeys);
        this.clock = clock;
    }

    @Override
    public synchronized GalleryOutcome apply(GalleryCommand command, Duration timeout) {
        commands.add(command);
        String where = Topics.GALLERY_COMMANDS + "-0@" + (commands.size() - 1);
        String s = command.subjectId();
        return switch (changes.apply(command, where, entries.get(s), destroyed::containsKey, clock.instant())) {
            case GalleryChanges.Enrolled e -> {
                entries.put(s, e.entry());
                yield e.outcome().withAudit(audit(e.audit()));
            }
            case GalleryChanges.Erased e -> {
                entries.remove(s);
                if (e.erasure().keyId() != null) {
                    destroyed.put(e.erasure().keyId(), e.erasure());
                }
                yield e.outcome().withAudit(audit(e.audit()));
            }
            case GalleryChanges.Unapplied u -> u.outcome();
        };
    }

    private AuditRecord audit(AuditEntry entry) {
        audited.add(entry);
        AuditRecord r = chain.seal(entry, TestAuditKeys.keys());
        chain = chain.after(r);
        return r;
    }

    /** The subject's entry, as the processor's store would hold it. */
    synchronized Optional<SubjectEntry> entry(String subjectId) {
        return Optional.ofNullable(entries.get(subjectId));
    }

    /** Puts an entry in the store directly (what a replay into the store's changelog would do). */
    synchronized void put(SubjectEntry entry) {
        entries.put(entry.key().subjectId(), entry);
    }

    /** The subject's record, opened. */
    synchronized Optional<GalleryRecord> opened(String subjectId) {
        return entry(subjectId).map(e -> new GalleryCipher().open(e.record(), masterKeys.unwrap(e.key())));
    }

    synchronized List<AuditEntry> audited() {
        return List.copyOf(audited);
    }

    public synchronized List<GalleryCommand> commands() {
        return List.copyOf(commands);
    }
}
