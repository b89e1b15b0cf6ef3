package dev.kiln.cli.sign;

import dev.kiln.api.sign.ImageSignatures;
import dev.kiln.api.sign.SigningKeys;
import dev.kiln.api.sign.VerifiedSignature;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.reference.ImageReference;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln verify --key KEY.pub REF}: checks an image's cosign signatures. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Verify a registry image's cosign signatures against a public key: at least one must be made",
      "with the key's private half, sign the image's current digest and name its repository.",
      "Prints each verified payload as a JSON line; exits 1 when none verifies."
    })
public final class VerifyCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public VerifyCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "REF",
      description = "The image: REGISTRY/REPOSITORY:TAG or @DIGEST.")
  String reference;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description =
          "The public key (PREFIX.pub of kiln key generate, or cosign.pub); required (default:"
              + " none).")
  Path key;

  @Mixin RegistryOptions registry;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (RegistryClient client = registry.client(cli, event -> {})) {
      ImageReference ref = ImageReference.parse(reference);
      List<VerifiedSignature> verified =
          new ImageSignatures(client).verify(ref, SigningKeys.verifier(key));
      for (VerifiedSignature v : verified) {
        cli.stdout()
            .println(
                "{\"critical\":{\"identity\":{\"docker-reference\":"
                    + quote(v.dockerReference())
                    + "},\"image\":{\"docker-manifest-digest\":\""
                    + v.manifestDigest()
                    + "\"}}}");
      }
      cli.stderr()
          .println(
              "verified "
                  + verified.size()
                  + (verified.size() == 1 ? " signature" : " signatures")
                  + " of "
                  + ref.repositoryOnly().withDigest(verified.get(0).manifestDigest())
                  + " with "
                  + key);
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
