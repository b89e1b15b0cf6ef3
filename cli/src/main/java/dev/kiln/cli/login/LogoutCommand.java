package dev.kiln.cli.login;

import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln logout}: forgets the stored credentials for a registry. */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    description = {
      "Log out of a registry, removing its stored credentials.",
      "Removes them from Docker's config.json and from the credential helper it names."
    })
public final class LogoutCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public LogoutCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "REGISTRY",
      defaultValue = "docker.io",
      description = "The registry host[:port] (default: ${DEFAULT-VALUE}).")
  String registryName;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try {
      RegistryHost host = RegistryHost.parse(registryName);
      DockerConfigFile config = DockerConfigFile.locate(cli.env(), cli.home());
      Optional<String> helper = config.helperFor(host);
      boolean erased = false;
      if (helper.isPresent()) {
        new CredentialHelperStore(helper.get(), cli.env().get("PATH")).erase(host.configKey());
        erased = true;
      }
      List<String> removed = config.removeAuth(host);
      if (!erased && removed.isEmpty()) {
        cli.stderr()
            .println("not logged in to " + host.name() + " (nothing in " + config.path() + ")");
      } else {
        cli.stderr().println("removed the credentials for " + host.name());
      }
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }
}
