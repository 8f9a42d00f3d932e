package com.salesagent.worker.observability;

import com.salesagent.activities.logging.LogContext;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;

/**
 * Every activity's log lines carry its workflow id, its lead id (for a lead's workflow) and its
 * type in the MDC, set around the call on the activity's thread and cleared after it.
 */
public final class LogContextInterceptor extends WorkerInterceptorBase {
  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityInfo info;

      @Override
      public void init(ActivityExecutionContext context) {
        info = context.getInfo();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        LogContext.activity(info.getWorkflowId(), info.getActivityType());
        try {
          return super.execute(input);
        } finally {
          LogContext.clear();
        }
      }
    };
  }
}
