package dev.kiln.cli;

import dev.kiln.cli.cache.CacheCommand;
import dev.kiln.cli.debug.DebugCommand;
import dev.kiln.cli.image.CopyCommand;
import dev.kiln.cli.image.ImagesCommand;
import dev.kiln.cli.image.IndexCommand;
import dev.kiln.cli.image.InspectCommand;
import dev.kiln.cli.image.LoadCommand;
import dev.kiln.cli.image.PullCommand;
import dev.kiln.cli.image.PushCommand;
import dev.kiln.cli.image.RmiCommand;
import dev.kiln.cli.image.SaveCommand;
import dev.kiln.cli.image.TagCommand;
import dev.kiln.cli.login.LoginCommand;
import dev.kiln.cli.login.LogoutCommand;
import dev.kiln.cli.shell.CompletionCommand;
import dev.kiln.cli.shell.ManCommand;
import dev.kiln.cli.sign.KeyCommand;
import dev.kiln.cli.sign.SignCommand;
import dev.kiln.cli.sign.VerifyAttestationCommand;
import dev.kiln.cli.sign.VerifyCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code kiln} command; each verb is one subcommand class, listed in {@link
 * #SUBCOMMANDS}. They are not in the annotation: picocli would then build the model of every one of
 * them on every run, which is most of kiln's start-up; {@link CommandTree} adds the ones a run
 * needs.
 */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "Builds OCI images from Dockerfiles without a daemon.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 build failed or no signature verified, 2 usage or Dockerfile error,",
      "3 registry error, 4 internal error, 5 file system error (disk full),",
      "130 interrupted (Ctrl-C)."
    })
public final class KilnCommand implements Runnable {
  /**
   * Every top-level command in the order help lists them, with the name and aliases its
   * {@code @Command} gives (CommandTreeTest checks they agree), so that the one an argument names
   * is found without reading any annotation.
   */
  static final List<Subcommand> SUBCOMMANDS =
      List.of(
          new Subcommand(BuildCommand.class, "build"),
          new Subcommand(PushCommand.class, "push"),
          new Subcommand(PullCommand.class, "pull"),
          new Subcommand(IndexCommand.class, "index"),
          new Subcommand(InspectCommand.class, "inspect"),
          new Subcommand(TagCommand.class, "tag"),
          new Subcommand(CopyCommand.class, "copy", "cp"),
          new Subcommand(ImagesCommand.class, "images"),
          new Subcommand(RmiCommand.class, "rmi"),
          new Subcommand(SaveCommand.class, "save", "export"),
          new Subcommand(LoadCommand.class, "load", "import"),
          new Subcommand(SignCommand.class, "sign"),
          new Subcommand(VerifyCommand.class, "verify"),
          new Subcommand(VerifyAttestationCommand.class, "verify-attestation"),
          new Subcommand(KeyCommand.class, "key"),
          new Subcommand(LoginCommand.class, "login"),
          new Subcommand(LogoutCommand.class, "logout"),
          new Subcommand(VersionCommand.class, "version"),
          new Subcommand(CompletionCommand.class, "completion"),
          new Subcommand(ManCommand.class, "man"),
          new Subcommand(DebugCommand.class, "debug"),
          new Subcommand(CacheCommand.class, "cache"),
          new Subcommand(HelpCommand.class, "help"));

  /**
   * A top-level command: its class, and the name and aliases an argument calls it by. Naming the
   * class does not initialise it; only building its model does.
   */
  record Subcommand(Class<?> type, String name, List<String> aliases) {
    Subcommand(Class<?> type, String name, String... aliases) {
      this(type, name, List.of(aliases));
    }

    boolean isCalled(String argument) {
      return name.equals(argument) || aliases.contains(argument);
    }
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
