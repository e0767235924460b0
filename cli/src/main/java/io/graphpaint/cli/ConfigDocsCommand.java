package io.graphpaint.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code graphpaint config-docs [--out FILE]}: the configuration reference generated from the ConfigDefs. */
@Command(name = "config-docs", mixinStandardHelpOptions = true,
    description = "Print (or write) the configuration reference of every service, generated from their declarations.")
final class ConfigDocsCommand implements Callable<Integer> {

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write to FILE (e.g. docs/configuration.md).")
  Path out;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String markdown = ConfigReference.markdown();
    if (out == null) {
      spec.commandLine().getOut().print(markdown);
      spec.commandLine().getOut().flush();
      return 0;
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, markdown, StandardCharsets.UTF_8);
    spec.commandLine().getOut().println("wrote " + out);
    return 0;
  }
}
