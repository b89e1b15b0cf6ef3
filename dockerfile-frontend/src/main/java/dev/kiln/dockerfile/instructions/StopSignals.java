package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Suggestions;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The signals STOPSIGNAL accepts, as BuildKit checks them: a non-zero number, or a Linux signal
 * name with or without its {@code SIG} prefix, in any case ({@code RTMIN+n} and {@code RTMAX-n}
 * included).
 */
public final class StopSignals {
  private StopSignals() {}

  private static final Set<String> NAMES = names();

  private static Set<String> names() {
    Set<String> out = new LinkedHashSet<>();
    for (String n :
        ("ABRT ALRM BUS CHLD CLD CONT FPE HUP ILL INT IO IOT KILL PIPE POLL PROF PWR QUIT SEGV"
                + " STKFLT STOP SYS TERM TRAP TSTP TTIN TTOU UNUSED URG USR1 USR2 VTALRM WINCH"
                + " XCPU XFSZ RTMIN RTMAX")
            .split(" ")) {
      out.add(n);
    }
    for (int i = 1; i <= 15; i++) {
      out.add("RTMIN+" + i);
    }
    for (int i = 14; i >= 1; i--) {
      out.add("RTMAX-" + i);
    }
    return Set.copyOf(out);
  }

  /**
   * Checks {@code signal} (already expanded).
   *
   * @throws DockerfileException when it is neither a non-zero number nor a known signal name
   */
  public static void check(String signal) {
    if (!signal.isEmpty() && signal.matches("[+-]?[0-9]+")) {
      boolean zero = signal.replaceFirst("^[+-]", "").matches("0+");
      if (!zero) {
        return;
      }
    } else {
      String upper = signal.toUpperCase(Locale.ROOT);
      if (NAMES.contains(upper.startsWith("SIG") ? upper.substring(3) : upper)) {
        return;
      }
    }
    String upper = signal.toUpperCase(Locale.ROOT);
    String near =
        Suggestions.hint(upper.startsWith("SIG") ? upper.substring(3) : upper, NAMES, true);
    throw new DockerfileException(
        "failed to parse stop signal: invalid signal: " + signal,
        (near == null ? "" : near.replace("mean ", "mean SIG") + " ")
            + "use a signal name such as SIGTERM or SIGQUIT, or its number");
  }
}
