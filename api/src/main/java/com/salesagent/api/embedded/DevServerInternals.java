package com.salesagent.api.embedded;

import io.temporal.internal.testservice.TestServicesStarter;
import java.lang.reflect.Field;

/**
 * The private fields of temporal-testing's dev server that the embedded server's workarounds
 * replace ({@link TimerLockEvents}, {@link DeferredTimerFires}, {@link FifoTaskQueues}).
 */
final class DevServerInternals {
  private DevServerInternals() {}

  /** {@code owner}'s declared field {@code name}, made accessible. */
  static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field field = owner.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }

  /** The value of {@code target}'s own field {@code name}. */
  static Object get(Object target, String name) throws ReflectiveOperationException {
    return field(target.getClass(), name).get(target);
  }

  /** The dev server's workflow store (histories, task queues, the timer it schedules on). */
  static Object workflowStore(TestServicesStarter services) throws ReflectiveOperationException {
    return field(TestServicesStarter.class, "workflowStore").get(services);
  }
}
