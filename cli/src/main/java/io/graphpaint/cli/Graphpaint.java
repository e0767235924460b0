package io.graphpaint.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code graphpaint} executable: one command with a subcommand per task. Every failure ends as
 * one readable line on stderr and a non-zero exit code (2 for a wrong command line, 1 for a failed
 * run); {@code --verbose} adds the stack trace.
 */
@Command(
    name = "graphpaint",
    mixinStandardHelpOptions = true,
    versionProvider = Graphpaint.Version.class,
    description = "Scene graphs to images with graph-conditioned, CLIP-guided diffusion, run as event-driven services on Kafka.",
    subcommands = {
        UpCommand.class,
        SubmitCommand.class,
        StatusCommand.class,
        FetchCommand.class,
        DatasetCommand.class,
        TrainCommand.class,
        EvalCommand.class,
        BenchCommand.class,
        ServiceCommands.Worker.class,
        ServiceCommands.Orchestrator.class,
        ServiceCommands.TrainingWorker.class,
        ConfigDocsCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Graphpaint implements Runnable {

  /** Exit code of a run that failed (usage errors exit with picocli's 2). */
  public static final int EXIT_FAILURE = 1;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces of failures (default: one line).")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // `graphpaint` alone: the overview, not an error
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    // graphpaint's own logging setup, not the logback.xml some dependency jars carry
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "graphpaint-logback.xml");
    }
    DjlOffline.apply();
    System.exit(newCommandLine().execute(args));
  }

  /** The command line with graphpaint's error handling, for {@link #main} and tests. */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new Graphpaint());
    commandLine.setExecutionExceptionHandler(Graphpaint::handleFailure);
    commandLine.setParameterExceptionHandler(Graphpaint::handleUsageError);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    return commandLine;
  }

  private static int handleFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    err.println(commandLine.getColorScheme().errorText(
        qualifiedName(commandLine) + ": " + Failures.oneLine(e)));
    if (isVerbose(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return e instanceof CliException cli ? cli.exitCode() : EXIT_FAILURE;
  }

  private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println(qualifiedName(commandLine) + ": " + e.getMessage().replace('\n', ' ')
        + " (see '" + qualifiedName(commandLine) + " --help')");
    err.flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static String qualifiedName(CommandLine commandLine) {
    return commandLine.getCommandSpec().qualifiedName();
  }

  private static boolean isVerbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The version of the distribution, from the jar manifest (or "development" when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Graphpaint.class.getPackage().getImplementationVersion();
      return new String[] {"graphpaint " + (version == null ? "development build" : version),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
