package dev.kiln.dockerfile.plan;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The predefined ARGs: platform args, TARGETSTAGE, proxy args, and BuildKit's own switches. */
final class ArgScope {
  private ArgScope() {}

  static final Set<String> PROXY_NAMES =
      Set.of("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY");

  /** ARGs that never enter a RUN's environment. */
  static final Set<String> NON_ENV_ARGS =
      Set.of("BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE");

  static final Set<String> PLATFORM_ARGS =
      Set.of(
          "BUILDPLATFORM",
          "BUILDOS",
          "BUILDOSVERSION",
          "BUILDARCH",
          "BUILDVARIANT",
          "TARGETPLATFORM",
          "TARGETOS",
          "TARGETOSVERSION",
          "TARGETARCH",
          "TARGETVARIANT",
          "TARGETSTAGE");

  /** Platform args and TARGETSTAGE, overridable by build args of the same name. */
  static Map<String, String> defaults(BuildOptions options, String targetStage) {
    Platform b = options.buildPlatform();
    Platform t = options.targetPlatform();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("BUILDPLATFORM", b.format());
    out.put("BUILDOS", b.os());
    out.put("BUILDOSVERSION", "");
    out.put("BUILDARCH", b.architecture());
    out.put("BUILDVARIANT", b.variant());
    out.put("TARGETPLATFORM", t.format());
    out.put("TARGETOS", t.os());
    out.put("TARGETOSVERSION", "");
    out.put("TARGETARCH", t.architecture());
    out.put("TARGETVARIANT", t.variant());
    out.put("TARGETSTAGE", targetStage);
    for (Map.Entry<String, String> e : out.entrySet()) {
      String override = options.buildArgs().get(e.getKey());
      if (override != null) {
        e.setValue(override);
      }
    }
    return out;
  }

  /** Proxy variables by upper-case name; the lower-case spelling wins when both are given. */
  static Map<String, String> proxyEnv(Map<String, String> buildArgs) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(buildArgs).entrySet()) {
      String upper = e.getKey().toUpperCase(Locale.ROOT);
      if (!PROXY_NAMES.contains(upper)) {
        continue;
      }
      boolean lower = e.getKey().equals(e.getKey().toLowerCase(Locale.ROOT));
      if (lower || !out.containsKey(upper)) {
        out.put(upper, e.getValue());
      }
    }
    return out;
  }

  /** Build args that need no ARG declaration to be meaningful. */
  static boolean predefined(String name) {
    return PLATFORM_ARGS.contains(name)
        || PROXY_NAMES.contains(name.toUpperCase(Locale.ROOT))
        || name.startsWith("BUILDKIT_")
        || name.equals("SOURCE_DATE_EPOCH");
  }
}
