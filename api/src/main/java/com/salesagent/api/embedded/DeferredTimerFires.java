package com.salesagent.api.embedded;

import io.temporal.internal.testservice.TestServicesStarter;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around the Temporal dev server's lost leads (temporal-testing 1.38; upstream
 * temporalio/sdk-java#2606 and #3088, fix proposed in #3060): when a workflow's timer fires while a
 * workflow task of that workflow is with a worker, and that task cancels the timer (a signal
 * arrived just before the timer's instant and the condition it waited for came true), the dev
 * server has already removed the timer, refuses the task's completion with "invalid history builder
 * state for action", leaves the task completed in memory but started in history, and never hands
 * the workflow another task: the lead stops where it is. The real server buffers the fire, and a
 * CancelTimer in the same task drops it and records TimerCanceled.
 *
 * <p>Here a timer that falls due while its workflow has a task in progress fires once that task is
 * over (checked every {@link #RECHECK} under the workflow's own lock, so no task can start between
 * the check and the fire). If the task cancelled the timer, the fire finds no timer and does
 * nothing, as on the real server; if not, it fires a few milliseconds after the task, and a new
 * task follows, as with a buffered fire. A stuck task still times out (workflow task timeout), and
 * the fire follows it.
 *
 * <p>The dev server's timer service is package-private: it is wrapped by a proxy in place of the
 * workflow store's field, and the fire callback's workflow is read from the lambda's captured
 * state. If a later SDK changes any of this, the server runs unchanged and a warning says so.
 */
final class DeferredTimerFires implements InvocationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeferredTimerFires.class);

  /** The dev server's task name for a user timer's fire ({@code processStartTimer}). */
  static final String FIRE_TIMER = "fire timer";

  static final Duration RECHECK = Duration.ofMillis(2);

  private final Object timer;
  private final Method schedule;
  private volatile boolean warned;

  private DeferredTimerFires(Object timer, Method schedule) {
    this.timer = timer;
    this.schedule = schedule;
  }

  /** Installs the deferral in the dev server's workflow store; false (and a warning) if not. */
  static boolean install(TestServicesStarter services) {
    try {
      Object store = DevServerInternals.workflowStore(services);
      Field timerField = DevServerInternals.field(store.getClass(), "selfAdvancingTimer");
      Object timer = timerField.get(store);
      if (Proxy.isProxyClass(timer.getClass())) {
        return true;
      }
      Class<?> type = timerField.getType();
      Method schedule =
          type.getDeclaredMethod("schedule", Duration.class, Runnable.class, String.class);
      schedule.setAccessible(true);
      Object proxy =
          Proxy.newProxyInstance(
              type.getClassLoader(),
              new Class<?>[] {type},
              new DeferredTimerFires(timer, schedule));
      timerField.set(store, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "Temporal dev server timer fires not deferred ({}): a lead whose timer fires while its"
              + " workflow task runs may stop (temporalio/sdk-java#2606)",
          e.toString());
      return false;
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getName().equals("schedule")
        && args != null
        && args.length == 3
        && FIRE_TIMER.equals(args[2])
        && args[1] instanceof Runnable fire) {
      Object[] wrapped = args.clone();
      wrapped[1] = deferring(fire);
      args = wrapped;
    }
    try {
      method.setAccessible(true);
      return method.invoke(timer, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Runnable deferring(Runnable fire) {
    Workflow workflow = Workflow.of(fire);
    if (workflow == null) {
      if (!warned) {
        warned = true;
        LOG.warn("Temporal dev server timer fire not recognised: fires are not deferred");
      }
      return fire;
    }
    return new Runnable() {
      @Override
      public void run() {
        workflow.lock.lock();
        try {
          if (!workflow.taskInProgress()) {
            fire.run();
            return;
          }
        } finally {
          workflow.lock.unlock();
        }
        try {
          schedule.invoke(timer, RECHECK, this, FIRE_TIMER);
        } catch (ReflectiveOperationException e) {
          fire.run();
        }
      }
    };
  }

  /** The workflow a fire callback belongs to: its lock and its workflow task's state. */
  private record Workflow(Object state, Lock lock, Object taskMachine, Method getState) {
    static Workflow of(Runnable fire) {
      try {
        for (Field captured : fire.getClass().getDeclaredFields()) {
          captured.setAccessible(true);
          Object value = captured.get(fire);
          if (value != null
              && value.getClass().getSimpleName().equals("TestWorkflowMutableStateImpl")) {
            Lock lock = (Lock) DevServerInternals.get(value, "lock");
            Object taskMachine = DevServerInternals.get(value, "workflowTaskStateMachine");
            Method getState = taskMachine.getClass().getDeclaredMethod("getState");
            getState.setAccessible(true);
            return new Workflow(value, lock, taskMachine, getState);
          }
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("timer fire not introspected", e);
      }
      return null;
    }

    boolean taskInProgress() {
      try {
        return "STARTED".equals(((Enum<?>) getState.invoke(taskMachine)).name());
      } catch (ReflectiveOperationException e) {
        return false;
      }
    }
  }
}
