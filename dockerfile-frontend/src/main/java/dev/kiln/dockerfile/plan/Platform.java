package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.parser.DockerfileException;
import java.util.Locale;

/**
 * An OS/architecture/variant triple as written in {@code --platform} ({@code linux/arm64}, {@code
 * linux/arm/v7}), normalised the way containerd does ({@code aarch64} is {@code arm64}, {@code
 * x86_64} is {@code amd64}, {@code armel} is {@code arm/v6}, {@code arm64/v8} is {@code arm64}).
 *
 * <p>registry-client's {@code model.Platform} keeps the same table (this module may not use it); a
 * build hands platforms across as text, and builder-core's {@code PlatformAgreementTest} checks
 * that both read every spelling alike.
 */
public record Platform(String os, String architecture, String variant) {

  /** The platform kiln runs on. */
  public static Platform host() {
    String arch = normalizeArch(System.getProperty("os.arch", "amd64"));
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("mac") || os.startsWith("darwin")) {
      os = "darwin";
    } else {
      os = "linux";
    }
    return of(os, arch, arch.equals("arm") ? "v7" : "");
  }

  /**
   * Reads {@code os[/arch[/variant]]} or a bare architecture.
   *
   * @throws DockerfileException when the text is not a platform
   */
  public static Platform parse(String text) {
    String t = text.toLowerCase(Locale.ROOT).trim();
    String[] parts = t.split("/", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        throw invalid(text);
      }
    }
    switch (parts.length) {
      case 1:
        {
          String os = parts[0];
          if (isOs(os)) {
            return of(os, host().architecture(), host().variant());
          }
          String arch = normalizeArch(os);
          if (!isArch(arch)) {
            throw invalid(text);
          }
          return of("linux", arch, impliedVariant(os, ""));
        }
      case 2:
      case 3:
        {
          String os = parts[0].equals("macos") ? "darwin" : parts[0];
          String arch = normalizeArch(parts[1]);
          if (!isOs(os) || !isArch(arch)) {
            throw invalid(text);
          }
          return of(os, arch, impliedVariant(parts[1], parts.length == 3 ? parts[2] : ""));
        }
      default:
        throw invalid(text);
    }
  }

  private static Platform of(String os, String arch, String variant) {
    String v = variant.matches("[0-9][0-9.]*") ? "v" + variant : variant;
    if (arch.equals("arm64") && (v.equals("v8") || v.equals("v8.0"))) {
      v = "";
    } else if (arch.equals("arm") && v.isEmpty()) {
      v = "v7";
    } else if (arch.equals("amd64") && v.equals("v1")) {
      v = "";
    }
    return new Platform(os, arch, v);
  }

  /** Debian's ARM names carry the variant: {@code armhf} is ARMv7, {@code armel} ARMv6. */
  private static String impliedVariant(String arch, String given) {
    switch (arch) {
      case "armhf":
        return "v7";
      case "armel":
        return "v6";
      default:
        return given;
    }
  }

  private static String normalizeArch(String arch) {
    switch (arch) {
      case "x86_64":
      case "x86-64":
      case "x64":
      case "amd64":
        return "amd64";
      case "aarch64":
      case "arm64":
        return "arm64";
      case "i386":
      case "i486":
      case "i586":
      case "i686":
      case "x86":
        return "386";
      case "armhf":
      case "armel":
      case "arm":
        return "arm";
      default:
        return arch;
    }
  }

  private static boolean isOs(String os) {
    switch (os) {
      case "linux":
      case "windows":
      case "darwin":
      case "freebsd":
      case "netbsd":
      case "openbsd":
      case "solaris":
      case "illumos":
      case "aix":
      case "android":
      case "ios":
      case "js":
      case "wasip1":
      case "plan9":
      case "dragonfly":
        return true;
      default:
        return false;
    }
  }

  private static boolean isArch(String arch) {
    switch (arch) {
      case "amd64":
      case "arm64":
      case "arm":
      case "386":
      case "ppc64le":
      case "ppc64":
      case "s390x":
      case "riscv64":
      case "mips":
      case "mipsle":
      case "mips64":
      case "mips64le":
      case "loong64":
      case "wasm":
        return true;
      default:
        return false;
    }
  }

  private static DockerfileException invalid(String text) {
    return new DockerfileException(
        "\"" + text + "\": unknown operating system or architecture: invalid argument",
        "use a platform such as linux/amd64, linux/arm64 or linux/arm/v7");
  }

  /** {@code os/arch[/variant]}. */
  public String format() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }

  @Override
  public String toString() {
    return format();
  }
}
