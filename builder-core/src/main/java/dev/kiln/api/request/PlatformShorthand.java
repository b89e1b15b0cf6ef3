package dev.kiln.api.request;

import dev.kiln.registry.model.Platform;
import java.util.Locale;
import java.util.Set;

/**
 * The short {@code --platform} spellings buildx accepts: {@code local} for the machine kiln runs
 * on, an architecture alone ({@code amd64}, {@code arm64}) for that architecture on this machine's
 * OS, and an OS alone ({@code linux}) for that OS on this machine's architecture. Anything else is
 * passed on unchanged, to be checked as {@code os/arch[/variant]}.
 */
final class PlatformShorthand {
  private PlatformShorthand() {}

  private static final Set<String> OPERATING_SYSTEMS =
      Set.of(
          "linux",
          "windows",
          "darwin",
          "freebsd",
          "netbsd",
          "openbsd",
          "solaris",
          "illumos",
          "aix",
          "android",
          "ios",
          "plan9",
          "dragonfly",
          "js",
          "wasip1");

  static String expand(String text, Platform host) {
    String t = text.trim();
    if (t.indexOf('/') >= 0 || t.isEmpty()) {
      return t;
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.equals("local")) {
      return host.toString();
    }
    if (OPERATING_SYSTEMS.contains(lower)) {
      return lower + "/" + host.architecture();
    }
    return host.os() + "/" + lower;
  }
}
