package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code --flags} of one instruction: each instruction declares the flags it takes, then {@link
 * #parse} checks what was written against them with BuildKit's rules (string flags need {@code
 * =value}, bool flags take none or {@code =true/false}, repeatable flags collect values).
 */
public final class InstructionFlags {
  /** The kind of value a flag takes. */
  public enum Kind {
    STRING,
    BOOL,
    STRINGS
  }

  private static final class Flag {
    final Kind kind;
    String value;
    final List<String> values = new ArrayList<>();

    Flag(Kind kind, String defaultValue) {
      this.kind = kind;
      this.value = defaultValue;
    }
  }

  /** A problem with flag {@code index}; the instruction boundary turns it into a location. */
  static final class FlagException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int index;
    final String hint;

    FlagException(String message, int index, String hint) {
      super(message);
      this.index = index;
      this.hint = hint;
    }
  }

  private final List<String> args;
  private final Map<String, Flag> flags = new LinkedHashMap<>();
  private final Map<String, Boolean> used = new LinkedHashMap<>();

  public InstructionFlags(List<String> args) {
    this.args = List.copyOf(args);
  }

  public InstructionFlags declare(String name, Kind kind, String defaultValue) {
    flags.put(name, new Flag(kind, defaultValue));
    return this;
  }

  public InstructionFlags string(String name) {
    return declare(name, Kind.STRING, "");
  }

  public InstructionFlags bool(String name) {
    return declare(name, Kind.BOOL, "false");
  }

  public InstructionFlags strings(String name) {
    return declare(name, Kind.STRINGS, "");
  }

  /**
   * Checks the written flags against the declared ones.
   *
   * @throws DockerfileException (located at the offending flag by the caller)
   */
  public InstructionFlags parse() {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        break;
      }
      if (!a.startsWith("--")) {
        throw new FlagException("arg should start with -- : " + a, i, null);
      }
      String body = a.substring(2);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      boolean hasValue = eq >= 0;
      String value = hasValue ? body.substring(eq + 1) : "";
      Flag flag = flags.get(name);
      if (flag == null) {
        throw new FlagException(
            "unknown flag: " + name, i, Suggestions.hint(name, flags.keySet(), true));
      }
      if (used.containsKey(name) && flag.kind != Kind.STRINGS) {
        throw new FlagException("duplicate flag specified: " + name, i, "give --" + name + " once");
      }
      used.put(name, Boolean.TRUE);
      switch (flag.kind) {
        case BOOL:
          if (hasValue && value.isEmpty()) {
            throw new FlagException("missing a value on flag: " + name, i, null);
          }
          switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
            case "":
              flag.value = "true";
              break;
            case "false":
              flag.value = "false";
              break;
            default:
              throw new FlagException(
                  "expecting boolean value for flag " + name + ", not: " + value,
                  i,
                  "use --" + name + ", --" + name + "=true or --" + name + "=false");
          }
          break;
        case STRING:
          if (!hasValue) {
            throw new FlagException(
                "missing a value on flag: " + name, i, "write it as --" + name + "=<value>");
          }
          flag.value = value;
          break;
        default:
          if (!hasValue) {
            throw new FlagException(
                "missing a value on flag: " + name, i, "write it as --" + name + "=<value>");
          }
          flag.values.add(value);
      }
    }
    return this;
  }

  public String value(String name) {
    return flags.get(name).value;
  }

  public boolean isTrue(String name) {
    return "true".equals(flags.get(name).value);
  }

  public List<String> values(String name) {
    return List.copyOf(flags.get(name).values);
  }

  public boolean used(String name) {
    return used.containsKey(name);
  }

  /** The names of the flags that were given, sorted. */
  public List<String> usedNames() {
    return List.copyOf(new TreeSet<>(used.keySet()));
  }

  /** Turns a flag problem into a located Dockerfile error. */
  static DockerfileException located(FlagException e, dev.kiln.dockerfile.parser.Node node) {
    return new DockerfileException(e.getMessage(), List.of(node.flagRange(e.index)), e.hint, null);
  }
}
