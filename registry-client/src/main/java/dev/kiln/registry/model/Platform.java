package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An OS/architecture pair such as {@code linux/arm64}, with the optional variant, OS version and
 * features an index may carry.
 *
 * <p>{@link #normalize()} folds the spellings people and tools use into the ones the OCI spec
 * registers ({@code x86_64} → {@code amd64}, {@code aarch64} → {@code arm64}, {@code armhf} →
 * {@code arm/v7}, {@code armel} → {@code arm/v6}, {@code 8} → {@code v8}, {@code macos} → {@code
 * darwin}), and drops default variants ({@code amd64/v1} ≡ {@code amd64}, {@code arm64/v8} ≡ {@code
 * arm64}, while bare {@code arm} means {@code arm/v7}), so that two normalised platforms can be
 * compared with {@code equals}. The frontend's {@code plan.Platform} keeps the same table (it may
 * not use this type); builder-core's {@code PlatformAgreementTest} checks that they agree.
 */
public record Platform(
    String os,
    String architecture,
    String variant,
    String osVersion,
    List<String> osFeatures,
    Map<String, JsonNode> extra) {

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    variant = variant == null || variant.isEmpty() ? null : variant;
    osVersion = osVersion == null || osVersion.isEmpty() ? null : osVersion;
    osFeatures = osFeatures == null ? null : List.copyOf(osFeatures);
    extra = ExtraFields.freeze(extra);
  }

  /** A platform with just an OS, architecture and (nullable) variant. */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(os, architecture, variant, null, null, Map.of());
  }

  /** {@code linux/amd64}: the platform kiln builds for unless told otherwise. */
  public static Platform linuxAmd64() {
    return of("linux", "amd64", null);
  }

  /**
   * Parses {@code os/arch[/variant]} as given to {@code --platform}, e.g. {@code linux/arm64/v8}.
   * The result is normalised.
   */
  public static Platform parse(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform '" + text + "': expected os/arch or os/arch/variant, e.g. linux/amd64");
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException(
            "invalid platform '" + text + "': empty component (expected os/arch[/variant])");
      }
    }
    return of(
            parts[0].toLowerCase(Locale.ROOT),
            parts[1].toLowerCase(Locale.ROOT),
            parts.length == 3 ? parts[2].toLowerCase(Locale.ROOT) : null)
        .normalize();
  }

  /** The platform this JVM runs on, normalised ({@code os.arch} uses the JDK's names). */
  public static Platform host() {
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("mac")) {
      os = "darwin";
    }
    return of(os, System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT), null)
        .normalize();
  }

  /** This platform with architecture and variant spelled the way the OCI spec registers them. */
  public Platform normalize() {
    String arch = architecture.toLowerCase(Locale.ROOT);
    String var = variant == null ? null : variant.toLowerCase(Locale.ROOT);
    if (var != null && var.matches("[0-9][0-9.]*")) {
      var = "v" + var;
    }
    switch (arch) {
      case "x86_64", "x86-64", "x64", "amd64" -> {
        arch = "amd64";
        if ("v1".equals(var)) {
          var = null;
        }
      }
      case "i386", "i486", "i586", "i686", "x86" -> arch = "386";
      case "aarch64", "arm64" -> {
        arch = "arm64";
        if ("v8".equals(var) || "v8.0".equals(var)) {
          var = null;
        }
      }
      case "armhf" -> {
        arch = "arm";
        var = "v7";
      }
      case "armel" -> {
        arch = "arm";
        var = "v6";
      }
      case "arm" -> {
        if (var == null) {
          var = "v7";
        }
      }
      default -> {}
    }
    String system = os.toLowerCase(Locale.ROOT);
    if (system.equals("macos")) {
      system = "darwin";
    }
    return new Platform(system, arch, var, osVersion, osFeatures, extra);
  }

  /**
   * Whether an image for {@code candidate} is what a build for this platform wants: same OS,
   * architecture and variant after normalisation. OS version and features are not compared (they
   * matter only on Windows, where the daemon-less flow does not run).
   */
  public boolean matches(Platform candidate) {
    Platform want = normalize();
    Platform have = candidate.normalize();
    return want.os.equals(have.os)
        && want.architecture.equals(have.architecture)
        && Objects.equals(want.variant, have.variant);
  }

  /** {@code os/arch[/variant]}. */
  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }

  static Platform read(JsonObjectReader r) {
    String os = r.requiredText("os");
    String arch = r.requiredText("architecture");
    String variant = r.text("variant");
    String osVersion = r.text("os.version");
    List<String> features = r.stringList("os.features");
    return new Platform(os, arch, variant, osVersion, features, r.remaining());
  }

  JsonObjectWriter write() {
    return new JsonObjectWriter()
        .text("architecture", architecture)
        .text("os", os)
        .text("os.version", osVersion)
        .stringList("os.features", osFeatures)
        .text("variant", variant)
        .extra(extra);
  }
}
