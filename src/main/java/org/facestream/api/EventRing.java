package org.facestream.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.facestream.events.IdentityEvent;

/**
 * The most recent identity events, bounded: the oldest falls out when it is full. An event id already
 * present (a replayed observation) is not added twice. Thread-safe.
 */
public final class EventRing {
    private final int capacity;
    private ArrayDeque<IdentityEvent> events;
    private final Map<String, IdentityEvent> byId = new HashMap<>();

    public EventRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("expected an event ring capacity >= 1, found " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    /** Every subject an event names: its subject, its best candidate and its candidates. */
    public static Set<String> subjects(IdentityEvent e) {
        Set<String> s = new TreeSet<>();
        if (e.subjectId() != null) {
            s.add(e.subjectId());
        }
        if (e.bestCandidateId() != null) {
            s.add(e.bestCandidateId());
        }
        e.candidates().forEach(c -> s.add(c.subjectId()));
        return s;
    }

    /** Adds {@code e}; false when its id was already held. */
    public synchronized boolean add(IdentityEvent e) {
        if (byId.containsKey(e.id())) {
            return false;
        }
        if (events.size() == capacity) {
            byId.remove(events.removeFirst().id());
        }
        events.addLast(e);
        byId.put(e.id(), e);
        return true;
    }

    /** The held event of id {@code id}. */
    public synchronized Optional<IdentityEvent> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * Drops the events whose subject or best candidate is {@code subjectId} and leaves it out of the candidates of
     * the others.
     *
     * @return the ids of the events dropped
     */
    public synchronized List<String> purge(String subjectId) {
        List<String> dropped = new ArrayList<>();
        ArrayDeque<IdentityEvent> kept = new ArrayDeque<>(capacity);
        for (IdentityEvent e : events) {
            if (subjectId.equals(e.subjectId()) || subjectId.equals(e.bestCandidateId())) {
                dropped.add(e.id());
                byId.remove(e.id());
            } else if (e.candidates().stream().anyMatch(c -> c.subjectId().equals(subjectId))) {
                IdentityEvent stripped = e.withCandidates(e.candidates().stream()
                        .filter(c -> !c.subjectId().equals(subjectId))
                        .toList());
                kept.addLast(stripped);
                byId.put(e.id(), stripped);
            } else {
                kept.addLast(e);
            }
        }
        events = kept;
        return dropped;
    }

    /** Up to {@code limit} events accepted by {@code filter}, newest first. */
    public synchronized List<IdentityEvent> newest(int limit, Predicate<IdentityEvent> filter) {
        List<IdentityEvent> out = new ArrayList<>(Math.min(limit, events.size()));
        for (Iterator<IdentityEvent> it = events.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            IdentityEvent e = it.next();
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized int size() {
        return events.size();
    }

    public int capacity() {
        return capacity;
    }
}
