package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.internal.testservice.TestServicesStarter;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dev server's timer lock list (see {@link TimerLockEvents}): driven through the real timer of
 * a real {@link TestServicesStarter}, with and without the replacement.
 */
class TimerLockEventsTest {
  private TestServicesStarter services;
  private Object timer;

  @BeforeEach
  void start() throws ReflectiveOperationException {
    services = new TestServicesStarter(true, 0);
    Field field = TestServicesStarter.class.getDeclaredField("selfAdvancingTimer");
    field.setAccessible(true);
    timer = field.get(services);
  }

  @AfterEach
  void stop() {
    services.close();
  }

  @Test
  void handleUnlocksLeaveNothingAndNamedUnlocksAddNoEntry() throws Throwable {
    assertThat(TimerLockEvents.install(services)).isTrue();
    int before = events().size();
    cycles(5_000);
    // A lock released by its handle leaves nothing; one released by name leaves its lock event
    // (as upstream: nothing pairs them) but no unlock event: 1 entry per named pair, not 2.
    assertThat(events()).hasSize(before + 5_000);
  }

  @Test
  void withoutTheReplacementEveryNamedPairLeavesTwoEntries() throws Throwable {
    int before = events().size();
    cycles(1_000);
    assertThat(events()).hasSize(before + 2_000);
  }

  @Test
  void anUnbalancedUnlockIsStillRefusedAndOutstandingLocksAreListed() throws Throwable {
    assertThat(TimerLockEvents.install(services)).isTrue();
    Object handle = lock("held-by-test");
    assertThat(diagnostics()).contains("held-by-test");
    unlock(handle);
    assertThat(diagnostics()).doesNotContain("held-by-test");
    assertThatThrownBy(() -> unlock(handle))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unbalanced");
  }

  @Test
  void installingTwiceIsRefusedWithoutBreakingTheServer() throws Throwable {
    assertThat(TimerLockEvents.install(services)).isTrue();
    Object handle = lock("outstanding");
    assertThat(TimerLockEvents.install(services)).isFalse();
    unlock(handle);
    cycles(10);
  }

  private void cycles(int n) throws Throwable {
    for (int i = 0; i < n; i++) {
      unlock(lock("cycle"));
      // A caller that locks and unlocks by name, as the server's own requests do.
      lock("named");
      Method unlockByName = method("unlockTimeSkipping", String.class);
      unlockByName.invoke(timer, "named");
    }
  }

  private List<?> events() throws ReflectiveOperationException {
    Field field = timer.getClass().getDeclaredField("lockEvents");
    field.setAccessible(true);
    return (List<?>) field.get(timer);
  }

  private Object lock(String caller) throws ReflectiveOperationException {
    return method("lockTimeSkipping", String.class).invoke(timer, caller);
  }

  private String diagnostics() throws ReflectiveOperationException {
    StringBuilder out = new StringBuilder();
    method("getDiagnostics", StringBuilder.class).invoke(timer, out);
    return out.toString();
  }

  private static void unlock(Object handle) throws Throwable {
    Method unlock = handle.getClass().getDeclaredMethod("unlock");
    unlock.setAccessible(true);
    try {
      unlock.invoke(handle);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Method method(String name, Class<?>... types) throws NoSuchMethodException {
    Method m = timer.getClass().getDeclaredMethod(name, types);
    m.setAccessible(true);
    return m;
  }
}
