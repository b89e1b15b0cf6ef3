package dev.kiln.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln version}: prints kiln's version and the Java runtime it runs on. */
@Command(name = "version", description = "Print kiln's version and the Java runtime.")
public final class VersionCommand implements Callable<Integer>, IVersionProvider {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    return 0;
  }

  @Override
  public String[] getVersion() {
    String version = VersionCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "kiln " + (version == null ? "dev" : version),
      "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
