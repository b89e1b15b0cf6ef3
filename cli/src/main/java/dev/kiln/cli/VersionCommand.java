package dev.kiln.cli;

import dev.kiln.registry.model.Platform;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kiln version} (and {@code kiln --version}): kiln's version, the commit and date it was
 * built from, the Java runtime it runs on and the platform it builds for by default. A bug report
 * that pastes it says exactly which kiln ran where.
 */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = {
      "Print kiln's version, the git commit and date it was built from, the Java runtime",
      "it runs on and this machine's os/arch (the default --platform)."
    })
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
    return lines(BuildInfo.current(), Runtime.version().toString(), Platform.host())
        .toArray(String[]::new);
  }

  /** The report for {@code build} running on Java {@code javaVersion} on {@code platform}. */
  static List<String> lines(BuildInfo build, String javaVersion, Platform platform) {
    String commit =
        build
            .commit()
            .map(c -> build.modified() ? c + " (with uncommitted changes)" : c)
            .orElse("unknown");
    return List.of(
        "kiln " + build.version().orElse("dev"),
        "commit:  " + commit,
        "built:   " + build.date().orElse("unknown"),
        "java:    "
            + javaVersion
            + " ("
            + System.getProperty("java.vendor")
            + ", "
            + System.getProperty("java.home")
            + ")",
        "os/arch: " + platform);
  }
}
