package dev.kiln.cli.sign;

import dev.kiln.api.sign.ImageSignatures;
import dev.kiln.api.sign.SignedImage;
import dev.kiln.api.sign.SigningKeys;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.reference.ImageReference;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln sign --key KEY REF}: signs a registry image as cosign does. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Sign a registry image in cosign's format: cosign verify, and skopeo or podman with a",
      "sigstoreSigned policy, accept the signature. It is stored under the tag sha256-<digest>.sig",
      "of the image's repository (and as an OCI 1.1 referrer where the registry supports it).",
      "Prints the signed reference with its digest."
    })
public final class SignCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public SignCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "REF",
      description =
          "The image: REGISTRY/REPOSITORY:TAG or @DIGEST (a tag is signed as its digest).")
  String reference;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description =
          "The private key (kiln key generate, or cosign generate-key-pair); required (default:"
              + " none).")
  Path key;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description =
          "The environment variable holding an encrypted key's password"
              + " (default: COSIGN_PASSWORD).")
  String passwordEnv;

  @Mixin RegistryOptions registry;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (RegistryClient client = registry.client(cli, event -> {})) {
      ImageReference ref = ImageReference.parse(reference);
      SignedImage signed =
          new ImageSignatures(client)
              .sign(ref, SigningKeys.signer(key, Optional.ofNullable(passwordEnv), cli.env()));
      cli.stderr()
          .println(
              "signed "
                  + signed.image()
                  + ": signature at "
                  + signed.signatureTag()
                  + signed
                      .referrer()
                      .map(d -> " and referrer " + d)
                      .orElse(" (the registry has no referrers API)"));
      cli.stdout().println(signed.image());
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }
}
