package com.salesagent.api.embedded;

import io.temporal.internal.testservice.TestServicesStarter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around the Temporal dev server's timer lock list (temporal-testing 1.38, {@code
 * SelfAdvancingTimerImpl.lockEvents}, "debugging purposes only"): a {@code LinkedList} to which
 * every time-skipping lock and unlock appends an event, whose lock events are removed with a linear
 * {@code remove(Object)} when their handle unlocks, and whose unlock events are never removed. The
 * list grows with every timer, activity and workflow task, so each removal walks it: JFR put {@code
 * LinkedList.remove} under {@code TimerLockHandle.unlockFromHandleLocked} at 10 % of Java samples
 * in a 200-lead burst and 28 % beside a 10,000-row import (BENCHMARKS.md).
 *
 * <p>This list keeps the outstanding lock events in an insertion-ordered hash set (events have
 * identity equality, so removal is O(1)), drops the unlock events (they only fed the dev server's
 * diagnostics dump, which then lists the outstanding locks), and still answers {@code false} for an
 * event it does not hold, so the server's "Unbalanced lock and unlock calls" check stands. The
 * field is private: it is replaced by reflection, and if a later SDK renames it, the server runs
 * unchanged with its own list and a warning says so.
 */
final class TimerLockEvents extends LinkedList<Object> {
  private static final Logger LOG = LoggerFactory.getLogger(TimerLockEvents.class);
  private static final long serialVersionUID = 1L;

  private final transient Set<Object> outstanding = new LinkedHashSet<>();
  private final transient Field lockType;

  private TimerLockEvents(Field lockType) {
    this.lockType = lockType;
  }

  /** Installs the list in the dev server's timer; false (and a warning) if it could not. */
  static boolean install(TestServicesStarter services) {
    try {
      Object timer =
          DevServerInternals.field(TestServicesStarter.class, "selfAdvancingTimer").get(services);
      Field events = DevServerInternals.field(timer.getClass(), "lockEvents");
      Object current = events.get(timer);
      if (current instanceof TimerLockEvents || !(current instanceof LinkedList<?> list)) {
        LOG.warn("Temporal dev server timer lock list not replaced: unexpected state");
        return false;
      }
      Class<?> eventClass =
          Class.forName(
              timer.getClass().getName() + "$LockEvent", false, timer.getClass().getClassLoader());
      Field type = DevServerInternals.field(eventClass, "lockType");
      TimerLockEvents replacement = new TimerLockEvents(type);
      // Called before the server serves anything: the list holds only the start-up lock.
      replacement.addAll(list);
      events.set(timer, replacement);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "Temporal dev server timer lock list not replaced ({}): timers cost more as they grow",
          e.toString());
      return false;
    }
  }

  private boolean isUnlock(Object event) {
    try {
      Object type = lockType.get(event);
      return type != null && "UNLOCK".equals(((Enum<?>) type).name());
    } catch (IllegalAccessException e) {
      return false;
    }
  }

  @Override
  public boolean add(Object event) {
    if (isUnlock(event)) {
      return true;
    }
    return outstanding.add(event);
  }

  @Override
  public boolean remove(Object event) {
    return outstanding.remove(event);
  }

  @Override
  public int size() {
    return outstanding.size();
  }

  @Override
  public boolean isEmpty() {
    return outstanding.isEmpty();
  }

  @Override
  public boolean contains(Object event) {
    return outstanding.contains(event);
  }

  @Override
  public Iterator<Object> iterator() {
    return new ArrayList<>(outstanding).iterator();
  }

  @Override
  public void clear() {
    outstanding.clear();
  }

  @Override
  public boolean addAll(Collection<?> events) {
    boolean changed = false;
    for (Object event : events) {
      changed |= add(event);
    }
    return changed;
  }
}
