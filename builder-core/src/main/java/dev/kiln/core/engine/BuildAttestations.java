package dev.kiln.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.core.attest.InTotoStatement;
import dev.kiln.core.attest.KilnVersion;
import dev.kiln.core.attest.ProvenancePredicate;
import dev.kiln.core.attest.SbomPredicate;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.sbom.LayerPackagesStore;
import dev.kiln.core.sbom.LayeredPackageScan;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The attestations a build attaches ({@code --sbom}, {@code --attest}): made once, from the final
 * stage, and wrapped in a statement about each image an output writes (an OCI and a Docker-typed
 * manifest of the same stage have different digests).
 */
final class BuildAttestations {
  /**
   * What provenance records besides the request: the Dockerfile, the images the build resolved, the
   * context's checksum (when computed) and the target platform.
   *
   * @param otherTargets the other platforms of a multi-platform build: an image resolved only for
   *     one of them went into that platform's image, not this one's
   */
  record Inputs(
      BuildRun.DockerfileText dockerfile,
      BaseImages images,
      Optional<Digest> context,
      Platform platform,
      List<Platform> otherTargets) {}

  private final BuildRequest request;
  private final StageResult result;
  private final Inputs inputs;
  private final BuildListener listener;
  private final Clock clock;
  private final Instant started;
  private final LayerPackagesStore packages;
  private SbomPredicate sbom;
  private JsonNode provenance;

  BuildAttestations(
      BuildRequest request,
      StageResult result,
      Inputs inputs,
      BuildListener listener,
      Clock clock,
      Instant started,
      LayerPackagesStore packages) {
    this.request = request;
    this.result = result;
    this.inputs = inputs;
    this.listener = listener;
    this.clock = clock;
    this.started = started;
    this.packages = packages;
  }

  boolean requested() {
    return !request.attestations().isEmpty();
  }

  /** The statements about {@code image}, which outputs name {@code names}. */
  List<InTotoStatement> about(BuiltImage image, List<String> names) throws IOException {
    List<String> subjects = subjectNames(names, image.config().platform());
    List<InTotoStatement> statements = new ArrayList<>();
    if (request.attestation(AttestationSpec.Type.SBOM).isPresent()) {
      SbomPredicate predicate = sbom(names);
      statements.add(
          new InTotoStatement(subjects, image.digest(), SbomPredicate.TYPE, predicate.document()));
    }
    Optional<AttestationSpec> provenanceSpec = request.attestation(AttestationSpec.Type.PROVENANCE);
    if (provenanceSpec.isPresent()) {
      statements.add(
          new InTotoStatement(
              subjects,
              image.digest(),
              ProvenancePredicate.TYPE,
              provenance(provenanceSpec.get())));
    }
    return statements;
  }

  /** Made once, when the first output asks: its finish time is the outputs' start. */
  private JsonNode provenance(AttestationSpec spec) {
    if (provenance == null) {
      boolean reproducible = request.sourceDateEpoch().isPresent();
      List<ProvenancePredicate.Material> materials = new ArrayList<>();
      for (BaseImages.Resolved r : inputs.images().resolvedImages()) {
        if (forAnotherTarget(r.platform())) {
          continue;
        }
        materials.add(ProvenancePredicate.Material.of(materialUri(r), r.image().digest()));
      }
      inputs
          .context()
          .ifPresent(
              c ->
                  materials.add(
                      new ProvenancePredicate.Material(
                          "context:" + request.context().getFileName(),
                          "kiln-context-" + c.algorithm(),
                          c.hex())));
      provenance =
          ProvenancePredicate.of(
              new ProvenancePredicate.Facts(
                  spec.mode() == AttestationSpec.ProvenanceMode.MAX,
                  spec.builderId().orElse("https://kiln.dev/kiln@" + KilnVersion.get()),
                  inputs.dockerfile().name(),
                  inputs.dockerfile().bytes(),
                  request.target(),
                  inputs.platform().toString(),
                  request.buildArgs(),
                  request.secrets().stream().map(s -> s.id()).toList(),
                  request.ssh().stream().map(s -> s.id()).toList(),
                  materials,
                  reproducible ? Optional.empty() : Optional.of(seconds(started)),
                  reproducible ? Optional.empty() : Optional.of(seconds(clock.instant()))));
    }
    return provenance;
  }

  /**
   * Whether an image for {@code platform} can only have been resolved for another target platform:
   * not this one's, nor the build platform's (a {@code FROM --platform=$BUILDPLATFORM} stage is in
   * every platform's image).
   */
  private boolean forAnotherTarget(Platform platform) {
    if (platform == null
        || inputs.platform().matches(platform)
        || Platform.host().matches(platform)) {
      return false;
    }
    return inputs.otherTargets().stream().anyMatch(t -> t.matches(platform));
  }

  /**
   * A registry or store image as BuildKit names materials, {@code
   * pkg:docker/NAME@TAG?platform=OS%2FARCH}; an OCI layout by its reference.
   */
  private static String materialUri(BaseImages.Resolved r) {
    if (r.reference().startsWith("oci-layout://")) {
      return r.reference();
    }
    try {
      ImageReference ref = ImageReference.parse(r.reference());
      String version =
          ref.tag() != null ? ref.tag() : ref.digest() != null ? ref.digest().toString() : "latest";
      return "pkg:docker/" + ref.name() + "@" + version + platformQualifier(r.platform());
    } catch (InvalidReferenceException e) {
      return r.reference();
    }
  }

  private static String seconds(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private SbomPredicate sbom(List<String> names) throws IOException {
    if (sbom == null) {
      Instant at = clock.instant();
      sbom =
          SbomPredicate.of(
              LayeredPackageScan.scan(result.state().rootfs(), packages),
              names.isEmpty() ? "image" : names.get(0),
              created());
      listener.on(
          new BuildEvent.Note(
              clock.instant(),
              "sbom: "
                  + sbom.packages().size()
                  + (sbom.packages().size() == 1 ? " package" : " packages")
                  + " found in "
                  + java.time.Duration.between(at, clock.instant()).toMillis()
                  + " ms"));
    }
    return sbom;
  }

  /** SPDX's created: SOURCE_DATE_EPOCH when set (reproducible), else when the build started. */
  private String created() {
    Instant at = request.sourceDateEpoch().map(Instant::ofEpochSecond).orElse(started);
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * BuildKit names an image's attestation subjects as package URLs: {@code
   * pkg:docker/NAME@TAG?platform=OS%2FARCH}.
   */
  private static List<String> subjectNames(List<String> names, Platform platform) {
    List<String> subjects = new ArrayList<>();
    String qualifier =
        "?platform="
            + (platform.os()
                    + "/"
                    + platform.architecture()
                    + (platform.variant() == null ? "" : "/" + platform.variant()))
                .replace("/", "%2F");
    for (String name : names) {
      try {
        ImageReference ref = ImageReference.parse(name);
        subjects.add("pkg:docker/" + ref.name() + "@" + ref.tagOrDefault() + qualifier);
      } catch (InvalidReferenceException e) {
        // a name that is not a reference (cannot happen after the request check) is left out
      }
    }
    return subjects;
  }

  private static String platformQualifier(Platform platform) {
    return "?platform="
        + (platform.os()
                + "/"
                + platform.architecture()
                + (platform.variant() == null ? "" : "/" + platform.variant()))
            .replace("/", "%2F");
  }
}
