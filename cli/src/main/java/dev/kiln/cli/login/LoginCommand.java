package dev.kiln.cli.login;

import dev.kiln.api.request.RequestException;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.registry.credentials.Credential;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln login}: checks a username and password against a registry, then stores them where
 * Docker (and so kiln, skopeo, buildah with {@code REGISTRY_AUTH_FILE}) finds them.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Log in to a registry, storing the credentials where Docker keeps them.",
      "The credentials are checked against the registry, then stored in Docker's config.json",
      "($DOCKER_CONFIG/config.json or ~/.docker/config.json), or handed to the credential helper",
      "config.json names (credHelpers / credsStore)."
    })
public final class LoginCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public LoginCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "REGISTRY",
      defaultValue = "docker.io",
      description = "The registry host[:port] (default: ${DEFAULT-VALUE}).")
  String registryName;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description = "The username (default: asked on the terminal).")
  String username;

  @Option(
      names = "--password-stdin",
      description = "Read the password (or token) from stdin (default: off, ask on the terminal).")
  boolean passwordStdin;

  @Option(
      names = {"-p", "--password"},
      paramLabel = "PASSWORD",
      description =
          "The password; visible in `ps` and shell history, prefer --password-stdin"
              + " (default: none).")
  String password;

  @Mixin RegistryOptions registry;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try {
      RegistryHost host = RegistryHost.parse(registryName);
      String user = username != null ? username : ask("Username: ", false);
      String secret = password();
      if (user == null || user.isEmpty()) {
        throw new RequestException("no username given", "pass --username USER");
      }
      if (secret.isEmpty()) {
        throw new RequestException(
            "no password given",
            "pipe it in: echo \"$TOKEN\" | kiln login -u USER --password-stdin");
      }
      String source = "kiln login --username " + user;
      LoginCheck.Outcome outcome =
          new LoginCheck(registry.security(cli), registry.proxy(cli), "kiln/" + version())
              .verify(host.apiHost(), new Credential.UsernamePassword(user, secret), source);
      if (outcome == LoginCheck.Outcome.NO_AUTHENTICATION) {
        cli.stderr()
            .println(
                "note: " + host.name() + " asks for no credentials; storing them for when it does");
      }
      DockerConfigFile config = DockerConfigFile.locate(cli.env(), cli.home());
      Optional<String> helper = config.helperFor(host);
      if (helper.isPresent()) {
        CredentialHelperStore store =
            new CredentialHelperStore(helper.get(), cli.env().get("PATH"));
        store.store(host.configKey(), user, secret);
        config.markHelperLogin(host);
        cli.stderr()
            .println("credentials for " + host.name() + " stored with " + store.executableName());
      } else {
        config.storeAuth(host, user, secret);
        cli.stderr()
            .println(
                "credentials for "
                    + host.name()
                    + " stored unencrypted in "
                    + config.path()
                    + " (configure a credsStore helper to keep them elsewhere)");
      }
      cli.stdout().println("Login Succeeded");
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }

  private String password() throws IOException {
    if (passwordStdin) {
      if (password != null) {
        throw new RequestException(
            "--password and --password-stdin both given", "use only --password-stdin");
      }
      String text = new String(cli.stdin().readAllBytes(), StandardCharsets.UTF_8);
      // As docker does: one trailing newline (from echo) is not part of the password.
      return text.endsWith("\r\n")
          ? text.substring(0, text.length() - 2)
          : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
    if (password != null) {
      cli.stderr().println("WARNING: --password is visible to other users; use --password-stdin");
      return password;
    }
    String asked = ask("Password: ", true);
    if (asked == null) {
      throw new RequestException(
          "no password given and no terminal to ask on",
          "pipe it in: echo \"$TOKEN\" | kiln login -u USER --password-stdin " + registryName);
    }
    return asked;
  }

  /** Asks on the terminal, or returns null when there is none (scripts, CI). */
  private static String ask(String prompt, boolean secret) {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    if (secret) {
      char[] chars = console.readPassword("%s", prompt);
      return chars == null ? null : new String(chars);
    }
    return console.readLine("%s", prompt);
  }

  private static String version() {
    String v = LoginCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
