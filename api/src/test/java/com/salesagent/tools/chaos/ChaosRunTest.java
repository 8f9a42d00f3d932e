package com.salesagent.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short fault-injection run in every build: 60 leads through the API and two worker processes,
 * two workers killed with SIGKILL, MongoDB cut off for ten seconds, and every fault of the
 * emulator. Nobody gets a message twice or after their STOP; no lead is lost or stuck.
 */
class ChaosRunTest {
  @Test
  void leadsGetEachMessageOnceAndNothingAfterStopThroughKillsAndAnOutage() throws Exception {
    // Under target/: the processes' logs stay for a look after a failure.
    Path data = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chaos-");
    ChaosRun.Options quick = ChaosRun.Options.quick();
    ChaosRun.Options options =
        new ChaosRun.Options(
            quick.leads(),
            quick.duration(),
            Integer.getInteger("chaos.kills", quick.kills()),
            quick.killEvery(),
            java.time.Duration.ofSeconds(
                Long.getLong("chaos.outage", quick.mongoOutage().toSeconds())),
            quick.workers(),
            System.getProperty("chaos.faults", quick.faults()),
            quick.enrolPerSecond(),
            quick.seed());
    ChaosRun.Report report = ChaosRun.run(options, data, System.out);

    System.out.println(report.line());
    assertThat(report.kills()).isEqualTo(2);
    assertThat(report.outage()).isTrue();
    assertThat(report.duplicates()).as("idempotency keys sent twice").isEmpty();
    assertThat(report.sendsAfterOptOut()).isZero();
    assertThat(report.lost()).isZero();
    // Leads without an outcome for a reason of the system's: none. The dev server itself stalls
    // now and then after a worker dies (a started workflow task it never times out: "invalid
    // history builder state"); a real Temporal server times out every started task. Counted
    // apart, and bounded.
    assertThat(report.stuckOwn()).as("leads without an outcome: " + report.stuckLeads()).isZero();
    assertThat(report.serverStalls()).isLessThanOrEqualTo(6);
    assertThat(report.finished() + report.serverStalls()).isEqualTo(60);
    assertThat(report.accepted()).isGreaterThanOrEqualTo(60);
  }
}
