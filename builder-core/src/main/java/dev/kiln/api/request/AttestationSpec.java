package dev.kiln.api.request;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One attestation to attach, with buildx's syntax: {@code --sbom=true}, {@code
 * --provenance=mode=min|max}, or {@code --attest type=sbom|provenance[,…]}. The image then goes to
 * registries and OCI outputs as an index holding it and its attestation manifest, as BuildKit
 * stores attestations.
 */
public record AttestationSpec(Type type, Map<String, String> params) {
  /** What is attested. */
  public enum Type {
    /** An SPDX 2.3 SBOM of the final image's files ({@code https://spdx.dev/Document}). */
    SBOM,
    /** SLSA provenance v1 of the build ({@code https://slsa.dev/provenance/v1}). */
    PROVENANCE
  }

  /** How much provenance says: {@code min} (buildx's default) or {@code max}. */
  public enum ProvenanceMode {
    MIN,
    MAX
  }

  public AttestationSpec {
    params = Map.copyOf(params);
  }

  /** {@code --sbom VALUE}: {@code true}, {@code false}, or {@code key=value,…}; empty for false. */
  public static Optional<AttestationSpec> sbom(String value) {
    return shorthand(Type.SBOM, "--sbom", value);
  }

  /** {@code --provenance VALUE}: {@code true} (mode=min), {@code false}, or {@code mode=max,…}. */
  public static Optional<AttestationSpec> provenance(String value) {
    return shorthand(Type.PROVENANCE, "--provenance", value);
  }

  /** {@code --attest type=sbom|provenance[,key=value…]}; empty when {@code disabled=true}. */
  public static Optional<AttestationSpec> attest(String text) {
    Map<String, List<String>> fields = KeyValueList.parse(text, "--attest");
    Map<String, String> params = last(fields);
    String type = params.remove("type");
    if (type == null) {
      throw new RequestException(
          "--attest '" + text + "' has no type=", "write --attest type=sbom or type=provenance");
    }
    Type t =
        switch (type.toLowerCase(Locale.ROOT)) {
          case "sbom" -> Type.SBOM;
          case "provenance" -> Type.PROVENANCE;
          default ->
              throw new RequestException(
                  "--attest type=" + type + " is not an attestation kiln makes",
                  "use type=sbom or type=provenance");
        };
    return checked(t, "--attest", params);
  }

  private static Optional<AttestationSpec> shorthand(Type type, String flag, String value) {
    String v = value.strip();
    if (v.equalsIgnoreCase("false")) {
      return Optional.empty();
    }
    if (v.equalsIgnoreCase("true") || v.isEmpty()) {
      return checked(type, flag, new LinkedHashMap<>());
    }
    return checked(type, flag, last(KeyValueList.parse(v, flag)));
  }

  private static Optional<AttestationSpec> checked(
      Type type, String flag, Map<String, String> params) {
    if ("true".equalsIgnoreCase(params.remove("disabled"))) {
      return Optional.empty();
    }
    Set<String> known = type == Type.SBOM ? Set.of() : Set.of("mode", "builder-id", "version");
    for (String key : params.keySet()) {
      if (key.equals("generator") && type == Type.SBOM) {
        throw new RequestException(
            flag
                + ": generator= runs an SBOM scanner image in BuildKit; kiln scans the image itself",
            "leave generator= out");
      }
      if (!known.contains(key)) {
        throw new RequestException(
            flag + ": unknown field " + key,
            type == Type.SBOM ? "write --sbom=true" : "write --provenance=mode=min or mode=max");
      }
    }
    AttestationSpec spec = new AttestationSpec(type, params);
    if (type == Type.PROVENANCE) {
      spec.mode(); // validates
      String version = params.getOrDefault("version", "v1");
      if (!version.equals("v1")) {
        throw new RequestException(
            flag + ": version=" + version + " is not one kiln writes",
            "kiln writes SLSA provenance v1; leave version= out");
      }
    }
    return Optional.of(spec);
  }

  /** The provenance mode; {@code min} unless {@code mode=max}. */
  public ProvenanceMode mode() {
    String mode = params.getOrDefault("mode", "min");
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "min" -> ProvenanceMode.MIN;
      case "max" -> ProvenanceMode.MAX;
      default ->
          throw new RequestException(
              "provenance mode=" + mode + " is not min or max", "write mode=min or mode=max");
    };
  }

  /** {@code builder-id=} when given: the SLSA builder id to record instead of kiln's. */
  public Optional<String> builderId() {
    return Optional.ofNullable(params.get("builder-id"));
  }

  private static Map<String, String> last(Map<String, List<String>> fields) {
    Map<String, String> params = new LinkedHashMap<>();
    fields.forEach((k, v) -> params.put(k, v.get(v.size() - 1)));
    return params;
  }
}
