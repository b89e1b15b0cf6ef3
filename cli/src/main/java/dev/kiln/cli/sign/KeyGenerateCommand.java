package dev.kiln.cli.sign;

import dev.kiln.api.request.RequestException;
import dev.kiln.api.sign.SigningKeys;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln key generate}: an ECDSA P-256 key pair in cosign's format, {@code PREFIX.key} (mode
 * 0600) and {@code PREFIX.pub}.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Make an ECDSA P-256 key pair: PREFIX.key (private, mode 0600) and PREFIX.pub (public).",
      "With --password-env the private key is encrypted as cosign encrypts it (scrypt and NaCl",
      "secretbox), so cosign, skopeo and podman can sign with it too; without, it is plain PKCS#8."
    })
public final class KeyGenerateCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public KeyGenerateCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Option(
      names = "--output-key-prefix",
      paramLabel = "PREFIX",
      description =
          "Where to write the keys: PREFIX.key and PREFIX.pub (default: ${DEFAULT-VALUE}).",
      defaultValue = "kiln")
  String prefix;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description =
          "Encrypt the private key with the password in environment variable VAR (may be empty);"
              + " default: not encrypted.")
  String passwordEnv;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try {
      Optional<String> password = Optional.empty();
      if (passwordEnv != null) {
        String value = cli.env().get(passwordEnv);
        if (value == null) {
          throw new RequestException(
              "--password-env " + passwordEnv + ": the variable is not set",
              "export " + passwordEnv + " with the password first");
        }
        password = Optional.of(value);
      }
      Path privateKey = Path.of(prefix + ".key");
      Path publicKey = Path.of(prefix + ".pub");
      SigningKeys.write(SigningKeys.generate(password), privateKey, publicKey);
      cli.stderr()
          .println(
              "wrote "
                  + privateKey
                  + (password.isPresent() ? " (encrypted)" : " (not encrypted)")
                  + " and "
                  + publicKey);
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }
}
