package com.salesagent.tools.chaos;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code java -jar sales-agent.jar chaos --leads 300 --duration 10m}: the fault-injection run of
 * {@link ChaosRun}, printing one line of what the recipients got; the exit status is 1 when a lead
 * got a message twice, a message after its STOP, was lost, or is stuck.
 */
public class ChaosCommand extends Command {
  public ChaosCommand() {
    super("chaos", "Runs leads through killed workers, a MongoDB outage and the emulator's faults");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("--leads").type(Integer.class).setDefault(300).help("leads to enrol");
    subparser
        .addArgument("--duration")
        .setDefault("10m")
        .help("the longest the run may take (e.g. 10m)");
    subparser
        .addArgument("--kills")
        .type(Integer.class)
        .setDefault(20)
        .help("workers killed with SIGKILL during the run");
    subparser
        .addArgument("--kill-every")
        .dest("killEvery")
        .setDefault("8s")
        .help("mean time between two kills");
    subparser
        .addArgument("--mongo-outage")
        .dest("mongoOutage")
        .setDefault("25s")
        .help("how long MongoDB is cut off, once (0 for never)");
    subparser.addArgument("--workers").type(Integer.class).setDefault(2);
    subparser
        .addArgument("--faults")
        .setDefault(ChaosRun.DEFAULT_FAULTS)
        .help("the emulator's faults (WHATSAPP_EMULATOR_FAULTS syntax)");
    subparser
        .addArgument("--enrol-rate")
        .dest("enrolRate")
        .type(Double.class)
        .setDefault(10.0)
        .help("leads enrolled per second");
    subparser.addArgument("--seed").type(Long.class).setDefault(7L);
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
    ChaosRun.Options options =
        new ChaosRun.Options(
            ns.getInt("leads"),
            duration(ns.getString("duration")),
            ns.getInt("kills"),
            duration(ns.getString("killEvery")),
            duration(ns.getString("mongoOutage")),
            ns.getInt("workers"),
            ns.getString("faults"),
            ns.getDouble("enrolRate"),
            ns.getLong("seed"));
    Path data = Files.createTempDirectory("sales-agent-chaos");
    System.out.printf(
        "chaos: %d leads, %d workers, %d kills, MongoDB outage %s, faults %s%n",
        options.leads(),
        options.workers(),
        options.kills(),
        options.mongoOutage(),
        options.faults());
    ChaosRun.Report report = ChaosRun.run(options, data, System.out);
    System.out.println(report.line());
    if (!report.clean()) {
      report.stuckLeads().stream().limit(20).forEach(l -> System.out.println("  stuck: " + l));
      report.duplicates().forEach((k, n) -> System.out.println("  sent " + n + " times: " + k));
      System.exit(1);
    }
  }

  private static Duration duration(String text) {
    return text.equals("0")
        ? Duration.ZERO
        : io.dropwizard.util.Duration.parse(text).toJavaDuration();
  }
}
