package dev.kiln.cli.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.sign.ImageSignatures;
import dev.kiln.api.sign.SigningKeys;
import dev.kiln.api.sign.VerifiedSignature;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.reference.ImageReference;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
  /**
   * Made on first use, not when the class is: help and completion create every command, and an
   * ObjectMapper loads Jackson and the JDK's locale and calendar data (about 30 ms of CPU).
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final CliEnvironment cli;

  public VerifyCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Mixin VerifyOptions verify;

  @Mixin RegistryOptions registry;

  @Override
  public Integer call() {
    try (RegistryClient client = registry.client(cli, event -> {})) {
      ImageReference ref = ImageReference.parse(verify.reference);
      List<VerifiedSignature> verified =
          new ImageSignatures(client).verify(ref, SigningKeys.verifier(verify.key));
      for (VerifiedSignature v : verified) {
        cli.stdout().println(Json.MAPPER.writeValueAsString(payload(v)));
      }
      cli.stderr()
          .println(
              "verified "
                  + verified.size()
                  + (verified.size() == 1 ? " signature" : " signatures")
                  + " of "
                  + ref.repositoryOnly().withDigest(verified.get(0).manifestDigest())
                  + " with "
                  + verify.key);
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, verify.debug);
    }
  }

  /** The signature's critical part, as cosign prints a verified payload. */
  private static ObjectNode payload(VerifiedSignature v) {
    ObjectNode payload = Json.MAPPER.createObjectNode();
    ObjectNode critical = payload.putObject("critical");
    critical.putObject("identity").put("docker-reference", v.dockerReference());
    critical.putObject("image").put("docker-manifest-digest", v.manifestDigest().toString());
    return payload;
  }
}
