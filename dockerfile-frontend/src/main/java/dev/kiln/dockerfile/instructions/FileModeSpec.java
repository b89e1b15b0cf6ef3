package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Node;

/**
 * A {@code --chmod} value: octal ({@code 0755}) or symbolic ({@code u=rwx,go+rX}) as chmod(1)
 * understands it.
 *
 * @param text the value as written
 * @param octal the octal mode, or -1 for a symbolic mode
 */
public record FileModeSpec(String text, int octal) {

  /**
   * Reads a {@code --chmod} value.
   *
   * @throws DockerfileException when it is neither octal up to 07777 nor a symbolic mode
   */
  public static FileModeSpec parse(String text) {
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '7')) {
      // Leading zeros are allowed in any number; more than four digits after them is too large
      // (and could be too large for a long).
      String digits = text.replaceFirst("^0+(?=.)", "");
      if (digits.length() <= 4) {
        return new FileModeSpec(text, Integer.parseInt(digits, 8));
      }
    } else if (isSymbolic(text)) {
      return new FileModeSpec(text, -1);
    }
    throw new DockerfileException(
        "invalid chmod parameter: '"
            + text
            + "'. it should be octal string and between 0 and 07777",
        "use an octal mode such as 0755, or a symbolic one such as u=rwx,go=rx");
  }

  /**
   * A {@code --chmod} value expanded and parsed (null when not given); errors point at the flag.
   */
  static FileModeSpec expand(Node node, FileModeSpec chmod, Expansion ex) {
    if (chmod == null) {
      return null;
    }
    try {
      return parse(ex.word(chmod.text()));
    } catch (DockerfileException e) {
      throw e.withRangeIfAbsent(node.flagRange("chmod"));
    }
  }

  public boolean symbolic() {
    return octal < 0;
  }

  /**
   * The permission bits that result from applying this mode to a file that has {@code current}
   * bits; {@code directory} decides what {@code X} means.
   */
  public int apply(int current, boolean directory) {
    if (!symbolic()) {
      return octal;
    }
    int mode = current & 07777;
    for (String clause : text.split(",", -1)) {
      int i = 0;
      int who = 0;
      while (i < clause.length() && "ugoa".indexOf(clause.charAt(i)) >= 0) {
        switch (clause.charAt(i)) {
          case 'u':
            who |= 04700;
            break;
          case 'g':
            who |= 02070;
            break;
          case 'o':
            who |= 01007;
            break;
          default:
            who |= 07777;
        }
        i++;
      }
      if (who == 0) {
        who = 07777;
      }
      while (i < clause.length()) {
        char op = clause.charAt(i++);
        int bits = 0;
        while (i < clause.length() && "+-=".indexOf(clause.charAt(i)) < 0) {
          char p = clause.charAt(i++);
          switch (p) {
            case 'r':
              bits |= 0444;
              break;
            case 'w':
              bits |= 0222;
              break;
            case 'x':
              bits |= 0111;
              break;
            case 'X':
              if (directory || (current & 0111) != 0) {
                bits |= 0111;
              }
              break;
            case 's':
              bits |= 06000;
              break;
            case 't':
              bits |= 01000;
              break;
            case 'u':
              bits |= copyClass((mode >> 6) & 7);
              break;
            case 'g':
              bits |= copyClass((mode >> 3) & 7);
              break;
            case 'o':
              bits |= copyClass(mode & 7);
              break;
            default:
              break;
          }
        }
        bits &= who;
        if (op == '+') {
          mode |= bits;
        } else if (op == '-') {
          mode &= ~bits;
        } else {
          mode = (mode & ~(who & 0777 | (who & 07000))) | bits;
        }
      }
    }
    return mode;
  }

  private static int copyClass(int rwx) {
    return rwx * 0111;
  }

  static boolean isSymbolic(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (String clause : text.split(",", -1)) {
      int i = 0;
      while (i < clause.length() && "ugoa".indexOf(clause.charAt(i)) >= 0) {
        i++;
      }
      if (i >= clause.length()) {
        return false;
      }
      while (i < clause.length()) {
        if ("+-=".indexOf(clause.charAt(i)) < 0) {
          return false;
        }
        i++;
        int permStart = i;
        while (i < clause.length() && "rwxXstugo".indexOf(clause.charAt(i)) >= 0) {
          i++;
        }
        String perms = clause.substring(permStart, i);
        boolean copy = perms.length() == 1 && "ugo".indexOf(perms.charAt(0)) >= 0;
        if (!copy && perms.chars().anyMatch(c -> "ugo".indexOf(c) >= 0)) {
          return false;
        }
      }
    }
    return true;
  }
}
