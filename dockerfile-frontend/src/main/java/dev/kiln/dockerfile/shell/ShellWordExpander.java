package dev.kiln.dockerfile.shell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Expands Dockerfile words the way BuildKit does: quotes, escapes with the active escape character,
 * {@code $V}, {@code ${V}} and the modifiers {@code :- - :+ + :? ? # ## % %% / //}, and word
 * splitting after expansion. It knows nothing about Dockerfiles.
 *
 * <p>Immutable and safe to share between threads; each call keeps its state on its own stack.
 *
 * <p>Two limits keep a hostile word from exhausting memory or stack, where BuildKit has none: an
 * expanded word may be at most {@link #MAX_GROWTH} characters longer than the word as written
 * ({@code ARG A2=${A1}${A1}} repeated 60 times would otherwise ask for 2^60 characters), and {@code
 * ${...}} may nest at most {@link #MAX_NESTING} deep (the expander recurses once per level).
 */
public final class ShellWordExpander {
  /**
   * How many characters expansion may add to one word: 2 MiB, Linux's default {@code ARG_MAX}, the
   * most a RUN command line and its environment can hold together (buildx, for comparison, refuses
   * a Dockerfile larger than 2 MB).
   */
  public static final int MAX_GROWTH = 2 * 1024 * 1024;

  /** How deep {@code ${a:-${b:-...}}} may nest; real Dockerfiles use two or three levels. */
  public static final int MAX_NESTING = 100;

  private static final int EOF = -1;

  private final ExpansionOptions options;

  public ShellWordExpander(ExpansionOptions options) {
    this.options = options;
  }

  public ExpansionOptions options() {
    return options;
  }

  /**
   * Expands {@code word} in {@code env}.
   *
   * @throws ShellExpansionException if the word is malformed or a {@code ?} modifier fails
   */
  public ExpansionResult expand(String word, Environment env) {
    Cursor c = new Cursor(word, env);
    try {
      Piece p = c.processStopOn(EOF, options.rawEscapes());
      return new ExpansionResult(p.text, p.words, c.matched, c.unmatched);
    } catch (ShellExpansionException e) {
      throw new ShellExpansionException(
          "failed to process " + quote(abbreviate(word)) + ": " + e.getMessage(),
          e.hint().orElse(null));
    }
  }

  /** {@code text}, cut short with "..." when it is too long to quote whole in a message. */
  static String abbreviate(String text) {
    if (text.length() <= 120) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, text.codePointCount(0, 100))) + "...";
  }

  static ShellExpansionException tooLong(String variable) {
    return new ShellExpansionException(
        "expanding " + variable + " makes the word longer than 2 MiB",
        "a variable that repeats another (ARG B=${A}${A}) doubles at each step; expansion may add"
            + " at most 2 MiB ("
            + MAX_GROWTH
            + " characters) to a word");
  }

  /** The expanded word without word splitting. */
  public String expandWord(String word, Environment env) {
    return expand(word, env).result();
  }

  /** The expanded text split into words. */
  public List<String> expandWords(String word, Environment env) {
    return expand(word, env).words();
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"' || ch == '\\') {
        out.append('\\');
      }
      out.append(ch);
    }
    return out.append('"').toString();
  }

  private static final class Piece {
    final String text;
    final List<String> words;

    Piece(String text, List<String> words) {
      this.text = text;
      this.words = words;
    }
  }

  /** Go's word accumulator: splits on unquoted white space that came from the text itself. */
  private static final class Words {
    private final List<String> words = new ArrayList<>();
    private StringBuilder word = new StringBuilder();
    private boolean inWord;

    void addChar(int ch) {
      boolean space = isGoSpace(ch);
      if (space && inWord) {
        if (word.length() != 0) {
          words.add(word.toString());
          word = new StringBuilder();
          inWord = false;
        }
      } else if (!space) {
        addRawChar(ch);
      }
    }

    void addRawChar(int ch) {
      word.appendCodePoint(ch);
      inWord = true;
    }

    void addString(String s) {
      s.codePoints().forEach(this::addChar);
    }

    void addRawString(String s) {
      word.append(s);
      inWord = true;
    }

    List<String> finish() {
      if (word.length() > 0) {
        words.add(word.toString());
        word = new StringBuilder();
        inWord = false;
      }
      return words;
    }
  }

  static boolean isGoSpace(int c) {
    if (c < 0x100) {
      return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
    }
    int type = Character.getType(c);
    return type == Character.SPACE_SEPARATOR
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /** One expansion in progress: a code point cursor plus the names looked up so far. */
  private final class Cursor {
    private final int[] src;
    private int pos;
    private final Environment env;
    private boolean rawEscapes = options.rawEscapes();
    private final long maxLength;
    private int nesting;
    private String lastVariable = "";
    final Set<String> matched = new LinkedHashSet<>();
    final Set<String> unmatched = new LinkedHashSet<>();

    Cursor(String word, Environment env) {
      this.src = word.codePoints().toArray();
      this.env = env;
      this.maxLength = (long) word.length() + MAX_GROWTH;
    }

    /** Checks a result before {@code added} more characters are appended to its {@code length}. */
    private void checkGrowth(int length, String added) {
      if ((long) length + added.length() > maxLength) {
        throw tooLong(lastVariable);
      }
    }

    /** Reads up to {@code stopChar} one {@code ${...}} level deeper. */
    private Piece nested(int stopChar, boolean raw) {
      if (++nesting > MAX_NESTING) {
        throw new ShellExpansionException(
            "variable references nest more than " + MAX_NESTING + " deep",
            "nest ${a:-${b:-...}} only a few levels, and close every ${ with }");
      }
      try {
        return processStopOn(stopChar, raw);
      } finally {
        nesting--;
      }
    }

    int peek() {
      return pos < src.length ? src[pos] : EOF;
    }

    int next() {
      return pos < src.length ? src[pos++] : EOF;
    }

    Piece processStopOn(int stopChar, boolean raw) {
      boolean saved = rawEscapes;
      rawEscapes = raw;
      try {
        return doProcessStopOn(stopChar);
      } finally {
        rawEscapes = saved;
      }
    }

    private Piece doProcessStopOn(int stopChar) {
      StringBuilder result = new StringBuilder();
      Words words = new Words();
      char escape = options.escapeToken();
      while (peek() != EOF) {
        int ch = peek();
        if (stopChar != EOF && ch == stopChar) {
          next();
          return new Piece(result.toString(), words.finish());
        }
        if (ch == '$') {
          String tmp = dollar();
          checkGrowth(result.length(), tmp);
          result.append(tmp);
          words.addString(tmp);
        } else if (!options.skipProcessQuotes() && (ch == '\'' || ch == '"')) {
          String tmp = ch == '\'' ? processSingleQuote() : processDoubleQuote();
          result.append(tmp);
          words.addRawString(tmp);
        } else {
          ch = next();
          if (ch == escape) {
            if (rawEscapes) {
              words.addRawChar(ch);
              result.appendCodePoint(ch);
            }
            ch = next();
            if (ch == EOF) {
              break;
            }
            words.addRawChar(ch);
          } else {
            words.addChar(ch);
          }
          result.appendCodePoint(ch);
        }
      }
      if (stopChar != EOF) {
        throw new ShellExpansionException(
            "unexpected end of statement while looking for matching "
                + new String(Character.toChars(stopChar)));
      }
      return new Piece(result.toString(), words.finish());
    }

    private String processSingleQuote() {
      StringBuilder result = new StringBuilder();
      int ch = next();
      if (options.rawQuotes()) {
        result.appendCodePoint(ch);
      }
      while (true) {
        ch = next();
        if (ch == EOF) {
          throw new ShellExpansionException(
              "unexpected end of statement while looking for matching single-quote");
        }
        if (ch == '\'') {
          if (options.rawQuotes()) {
            result.appendCodePoint(ch);
          }
          return result.toString();
        }
        result.appendCodePoint(ch);
      }
    }

    private String processDoubleQuote() {
      StringBuilder result = new StringBuilder();
      int ch = next();
      if (options.rawQuotes()) {
        result.appendCodePoint(ch);
      }
      char escape = options.escapeToken();
      while (true) {
        int p = peek();
        if (p == EOF) {
          throw new ShellExpansionException(
              "unexpected end of statement while looking for matching double-quote");
        } else if (p == '"') {
          ch = next();
          if (options.rawQuotes()) {
            result.appendCodePoint(ch);
          }
          return result.toString();
        } else if (p == '$') {
          String tmp = dollar();
          checkGrowth(result.length(), tmp);
          result.append(tmp);
        } else {
          ch = next();
          if (ch == escape) {
            if (rawEscapes) {
              result.appendCodePoint(ch);
            }
            int after = peek();
            if (after == EOF) {
              continue;
            }
            if (after == '"' || after == '$' || after == escape) {
              ch = next();
            }
          }
          result.appendCodePoint(ch);
        }
      }
    }

    /** {@link #processDollar}, remembering the reference as written for a too-long error. */
    private String dollar() {
      int start = pos;
      String value = processDollar();
      lastVariable = abbreviate(new String(src, start, pos - start));
      return value;
    }

    private String processDollar() {
      next();
      if (peek() != '{') {
        String name = processName();
        if (name.isEmpty()) {
          return "$";
        }
        String value = getEnv(name);
        if (value == null) {
          return options.skipUnsetEnv() ? "$" + name : "";
        }
        return value;
      }
      next();
      int p = peek();
      if (p == EOF) {
        throw new ShellExpansionException("syntax error: missing '}'");
      }
      if (p == '{' || p == '}' || p == ':') {
        throw new ShellExpansionException("syntax error: bad substitution");
      }
      String name = processName();
      int ch = next();
      StringBuilder chs = new StringBuilder();
      if (ch != EOF) {
        chs.appendCodePoint(ch);
      }
      boolean nullIsUnset = false;
      switch (ch) {
        case '}':
          {
            String value = getEnv(name);
            if (value == null) {
              return options.skipUnsetEnv() ? "${" + name + "}" : "";
            }
            return value;
          }
        case ':':
          nullIsUnset = true;
          ch = next();
          if (ch != EOF) {
            chs.appendCodePoint(ch);
          }
          return modifier(name, ch, chs.toString(), true);
        case '+':
        case '-':
        case '?':
        case '#':
        case '%':
          return modifier(name, ch, chs.toString(), nullIsUnset);
        case '/':
          return replacement(name);
        default:
          throw new ShellExpansionException("unsupported modifier (" + chs + ") in substitution");
      }
    }

    private String modifier(String name, int ch, String chs, boolean nullIsUnset) {
      boolean trim = ch == '#' || ch == '%';
      if (nullIsUnset && trim) {
        throw new ShellExpansionException("unsupported modifier (" + chs + ") in substitution");
      }
      String word;
      try {
        word = nested('}', trim).text;
      } catch (ShellExpansionException e) {
        if (peek() == EOF) {
          throw new ShellExpansionException("syntax error: missing '}'");
        }
        throw e;
      }
      String value = getEnv(name);
      boolean set = value != null;
      if (options.skipUnsetEnv() && !set) {
        return "${" + name + chs + word + "}";
      }
      switch (ch) {
        case '-':
          return !set || (nullIsUnset && value.isEmpty()) ? word : value;
        case '+':
          return !set || (nullIsUnset && value.isEmpty()) ? "" : word;
        case '?':
          if (!set) {
            throw new ShellExpansionException(
                name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
          }
          if (nullIsUnset && value.isEmpty()) {
            throw new ShellExpansionException(
                name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
          }
          return value;
        case '%':
        case '#':
          {
            boolean greedy = false;
            if (!word.isEmpty() && word.charAt(0) == ch) {
              greedy = true;
              word = word.substring(1);
            }
            String v = set ? value : "";
            return ch == '%'
                ? ShellPattern.trimSuffix(word, v, greedy)
                : ShellPattern.trimPrefix(word, v, greedy);
          }
        default:
          throw new ShellExpansionException("unsupported modifier (" + chs + ") in substitution");
      }
    }

    private String replacement(String name) {
      boolean replaceAll = peek() == '/';
      if (replaceAll) {
        next();
      }
      String pattern;
      try {
        pattern = nested('/', true).text;
      } catch (ShellExpansionException e) {
        if (peek() == EOF) {
          throw new ShellExpansionException("syntax error: missing '/' in ${}");
        }
        throw e;
      }
      String replacement;
      try {
        replacement = nested('}', true).text;
      } catch (ShellExpansionException e) {
        if (peek() == EOF) {
          throw new ShellExpansionException("syntax error: missing '}'");
        }
        throw e;
      }
      String value = getEnv(name);
      if (options.skipUnsetEnv() && value == null) {
        return "${" + name + "/" + pattern + "/" + replacement + "}";
      }
      return ShellPattern.replace(
          pattern, value == null ? "" : value, replacement, replaceAll, maxLength);
    }

    private String processName() {
      StringBuilder name = new StringBuilder();
      while (peek() != EOF) {
        int ch = peek();
        if (name.length() == 0 && Character.isDigit(ch)) {
          while (peek() != EOF && Character.isDigit(peek())) {
            name.appendCodePoint(next());
          }
          return name.toString();
        }
        if (name.length() == 0 && isSpecialParam(ch)) {
          return new String(Character.toChars(next()));
        }
        if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
          break;
        }
        name.appendCodePoint(next());
      }
      return name.toString();
    }

    private String getEnv(String name) {
      String value = env.lookup(name);
      if (value != null) {
        matched.add(name);
      } else {
        unmatched.add(name);
      }
      return value;
    }
  }

  private static boolean isSpecialParam(int ch) {
    switch (ch) {
      case '@':
      case '*':
      case '#':
      case '?':
      case '-':
      case '$':
      case '!':
      case '0':
        return true;
      default:
        return false;
    }
  }
}
