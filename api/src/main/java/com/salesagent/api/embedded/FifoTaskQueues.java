package com.salesagent.api.embedded;

import io.temporal.internal.testservice.TestServicesStarter;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around the Temporal dev server's task order (temporal-testing 1.38, {@code
 * TaskQueue.backlog}): a queue's waiting tasks are kept in a {@code PriorityQueue} ordered by
 * priority key only, and a binary heap does not keep the order of equal elements, so among the
 * tasks of one priority (all of ours) a task could wait while many later ones were handed out. In a
 * 200-lead burst whose workflow tasks queued by the hundred, that order, not the queue's length,
 * made the latest follow-ups seconds late. A real server hands a queue's tasks out in about the
 * order they came. Here each task queue's backlog is replaced, when the queue is created, by one
 * ordered by priority key, then arrival.
 *
 * <p>The fields are private: they are replaced by reflection at start; if a later SDK changes them,
 * the server runs with its own order and a warning says so.
 */
final class FifoTaskQueues {
  private static final Logger LOG = LoggerFactory.getLogger(FifoTaskQueues.class);

  private FifoTaskQueues() {}

  /** Installs the order in the dev server's workflow and activity task queues; false if not. */
  static boolean install(TestServicesStarter services) {
    try {
      Object store = DevServerInternals.workflowStore(services);
      for (String name : new String[] {"workflowTaskQueues", "activityTaskQueues"}) {
        Field queues = DevServerInternals.field(store.getClass(), name);
        @SuppressWarnings("unchecked")
        Map<Object, Object> current = (Map<Object, Object>) queues.get(store);
        if (!current.isEmpty() || !(current instanceof HashMap)) {
          LOG.warn("Temporal dev server task order not replaced: {} in use", name);
          return false;
        }
        queues.set(store, new OrderingQueues());
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "Temporal dev server task order not replaced ({}): equal-priority tasks may be handed"
              + " out in any order",
          e.toString());
      return false;
    }
  }

  /** The store's map of task queues: each new queue gets an arrival-ordered backlog. */
  static final class OrderingQueues extends HashMap<Object, Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public Object put(Object id, Object queue) {
      order(queue);
      return super.put(id, queue);
    }

    static void order(Object queue) {
      try {
        Field backlog = DevServerInternals.field(queue.getClass(), "backlog");
        if (backlog.get(queue) instanceof ArrivalOrder
            || !((PriorityQueue<?>) backlog.get(queue)).isEmpty()) {
          return;
        }
        backlog.set(queue, new ArrivalOrder());
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("Temporal dev server task queue keeps its own order ({})", e.toString());
      }
    }
  }

  /**
   * A backlog ordered by the element's priority key, then by arrival. Only what the dev server's
   * TaskQueue uses (add, poll, isEmpty) and what a reader may (peek, size, iterate) is served.
   */
  static final class ArrivalOrder extends PriorityQueue<Object> {
    private static final long serialVersionUID = 1L;

    private record Arrival(Object element, int key, long seq) {}

    private final transient PriorityQueue<Arrival> heap =
        new PriorityQueue<>(Comparator.comparingInt(Arrival::key).thenComparingLong(Arrival::seq));
    private long seq;

    private static volatile Method priority;

    static int key(Object element) {
      try {
        Method m = priority;
        if (m == null || m.getDeclaringClass() != element.getClass()) {
          m = element.getClass().getDeclaredMethod("getPriority");
          m.setAccessible(true);
          priority = m;
        }
        return ((io.temporal.api.common.v1.Priority) m.invoke(element)).getPriorityKey();
      } catch (ReflectiveOperationException | RuntimeException e) {
        return 3; // the dev server's default key
      }
    }

    @Override
    public synchronized boolean add(Object element) {
      return offer(element);
    }

    @Override
    public synchronized boolean offer(Object element) {
      heap.add(new Arrival(element, key(element), seq++));
      return true;
    }

    @Override
    public synchronized Object poll() {
      Arrival a = heap.poll();
      return a == null ? null : a.element();
    }

    @Override
    public synchronized Object peek() {
      Arrival a = heap.peek();
      return a == null ? null : a.element();
    }

    @Override
    public synchronized int size() {
      return heap.size();
    }

    @Override
    public synchronized boolean isEmpty() {
      return heap.isEmpty();
    }

    @Override
    public synchronized void clear() {
      heap.clear();
    }

    @Override
    public synchronized Iterator<Object> iterator() {
      return heap.stream().sorted(heap.comparator()).map(Arrival::element).toList().iterator();
    }
  }
}
