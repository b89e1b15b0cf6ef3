package dev.kiln.cli.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.sign.ImageAttestations;
import dev.kiln.api.sign.SigningKeys;
import dev.kiln.api.sign.VerifiedAttestation;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.reference.ImageReference;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kiln verify-attestation --key KEY.pub [--type T] REF}: checks the DSSE-signed attestations
 * a signed build attached, in cosign's {@code .att} layout.
 */
@Command(
    name = "verify-attestation",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Verify an image's signed attestations (DSSE envelopes, as cosign attest stores them) against a",
      "public key: each must be signed by the key's private half and be about the image. For an",
      "index (what a build with --sbom or --provenance pushes), those of each image it lists.",
      "Prints each verified in-toto statement as a JSON line; exits 1 when none verifies."
    })
public final class VerifyAttestationCommand implements Callable<Integer> {
  /**
   * Made on first use, not when the class is: help and completion create every command, and an
   * ObjectMapper loads Jackson and the JDK's locale and calendar data (about 30 ms of CPU).
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final CliEnvironment cli;

  public VerifyAttestationCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Mixin VerifyOptions verify;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description =
          "Only attestations of this type: sbom, provenance, or a predicate type URI (default:"
              + " any).")
  String type;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() {
    Optional<String> predicateType;
    try {
      predicateType =
          type == null ? Optional.empty() : Optional.of(ImageAttestations.predicateType(type));
    } catch (IllegalArgumentException e) {
      cli.stderr().println("error: --type: " + e.getMessage());
      return ExitCode.USAGE;
    }
    try (RegistryClient client = registry.client(cli, event -> {})) {
      ImageReference ref = ImageReference.parse(verify.reference);
      List<VerifiedAttestation> verified =
          new ImageAttestations(client)
              .verify(ref, SigningKeys.verifier(verify.key), predicateType);
      for (VerifiedAttestation v : verified) {
        cli.stdout().println(Json.MAPPER.writeValueAsString(v.statement()));
      }
      for (VerifiedAttestation v : verified) {
        cli.stderr()
            .println(
                "verified a "
                    + v.predicateType()
                    + " attestation of "
                    + ref.repositoryOnly().withDigest(v.image())
                    + " with "
                    + verify.key);
      }
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, verify.debug);
    }
  }
}
