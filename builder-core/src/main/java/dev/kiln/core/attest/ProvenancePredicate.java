package dev.kiln.core.attest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * SLSA provenance v1 ({@code https://slsa.dev/provenance/v1}) for one build: how it was asked for
 * ({@code buildDefinition.externalParameters}: the Dockerfile by digest, target, platform and, in
 * max mode, the build arguments, the Dockerfile's text and the ids of secrets and SSH agents), on
 * what ({@code resolvedDependencies}: every image the build resolved, by manifest digest, and the
 * build context by kiln's content checksum), and by whom ({@code runDetails.builder.id}).
 *
 * <p>Secret values are never written, in either mode: only the ids the Dockerfile mounts them by.
 * Build arguments are values the user passed on the command line; max mode records them, as
 * BuildKit's max mode does, so a secret passed as a build argument (never do that) would be in it.
 */
public final class ProvenancePredicate {
  public static final String TYPE = "https://slsa.dev/provenance/v1";
  public static final String BUILD_TYPE = "https://kiln.dev/provenance/dockerfile@v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProvenancePredicate() {}

  /** An image or context the build used, as SLSA's resource descriptor. */
  public record Material(String uri, String digestAlgorithm, String digestHex) {
    public static Material of(String uri, Digest digest) {
      return new Material(uri, digest.algorithm(), digest.hex());
    }
  }

  /**
   * What the predicate says.
   *
   * @param builderId {@code runDetails.builder.id}
   * @param dockerfileName how the request named the Dockerfile ({@code Dockerfile})
   * @param buildArgs recorded in max mode only
   * @param secretIds the ids of {@code --secret}s (never their values), max mode only
   * @param sshIds the ids of {@code --ssh} agents, max mode only
   * @param started when the build started; empty with SOURCE_DATE_EPOCH (reproducible)
   * @param finished when it finished; empty with SOURCE_DATE_EPOCH
   */
  public record Facts(
      boolean max,
      String builderId,
      String dockerfileName,
      byte[] dockerfile,
      Optional<String> target,
      String platform,
      Map<String, String> buildArgs,
      List<String> secretIds,
      List<String> sshIds,
      List<Material> materials,
      Optional<String> started,
      Optional<String> finished) {}

  public static ObjectNode of(Facts facts) {
    ObjectNode predicate = JSON.createObjectNode();
    ObjectNode definition = predicate.putObject("buildDefinition");
    definition.put("buildType", BUILD_TYPE);
    ObjectNode external = definition.putObject("externalParameters");
    ObjectNode config = external.putObject("configSource");
    config.put("path", facts.dockerfileName());
    config.putObject("digest").put("sha256", Digest.sha256(facts.dockerfile()).hex());
    ObjectNode request = external.putObject("request");
    request.put("frontend", "dockerfile");
    facts.target().ifPresent(t -> request.put("target", t));
    request.put("platform", facts.platform());
    if (facts.max()) {
      ObjectNode args = request.putObject("args");
      new TreeMap<>(facts.buildArgs()).forEach(args::put);
      facts.secretIds().stream()
          .sorted()
          .forEach(id -> request.withArray("secrets").addObject().put("id", id));
      facts.sshIds().stream()
          .sorted()
          .forEach(id -> request.withArray("ssh").addObject().put("id", id));
      definition
          .putObject("internalParameters")
          .put("dockerfile", new String(facts.dockerfile(), StandardCharsets.UTF_8));
    }
    var dependencies = definition.putArray("resolvedDependencies");
    for (Material m : facts.materials()) {
      ObjectNode d = dependencies.addObject();
      d.put("uri", m.uri());
      d.putObject("digest").put(m.digestAlgorithm(), m.digestHex());
    }
    ObjectNode run = predicate.putObject("runDetails");
    run.putObject("builder").put("id", facts.builderId());
    ObjectNode metadata = run.putObject("metadata");
    facts.started().ifPresent(s -> metadata.put("startedOn", s));
    facts.finished().ifPresent(f -> metadata.put("finishedOn", f));
    return predicate;
  }
}
