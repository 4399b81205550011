package org.facestream.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.facestream.events.IdentityEvent;

/**
 * The most recent identity events, bounded: the oldest falls out when it is full. An event id already
 * present (a replayed observation) is not added twice. Thread-safe.
 */
public final class EventRing {
    private final int capacity;
    private final ArrayDeque<IdentityEvent> events;
    private final Set<String> ids = new HashSet<>();

    public EventRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("expected an event ring capacity >= 1, found " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    /** Adds {@code e}; false when its id was already held. */
    public synchronized boolean add(IdentityEvent e) {
        if (!ids.add(e.id())) {
            return false;
        }
        if (events.size() == capacity) {
            ids.remove(events.removeFirst().id());
        }
        events.addLast(e);
        return true;
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
