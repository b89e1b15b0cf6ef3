package dev.kiln.dockerfile.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-instruction argument splitting of BuildKit's parser, one small method per rule. The
 * dispatch table in {@link #split} is the grammar on one screen.
 */
public final class LineParsers {
  /**
   * How deep ONBUILD may nest in the parse tree. Only one level is a valid instruction (the
   * instructions layer rejects {@code ONBUILD ONBUILD}); the parser reads a few more so that tools
   * can dump such a file, but not thousands, since it recurses once per level.
   */
  static final int MAX_ONBUILD_NESTING = 16;

  private LineParsers() {}

  /** Arguments of one instruction, plus whether they were written in JSON form. */
  record Args(List<String> values, Node trigger, boolean json) {
    static final Args NONE = new Args(List.of(), null, false);

    static Args of(List<String> values) {
      return new Args(values, null, false);
    }
  }

  /** Builds the node for one logical line (no heredocs attached, range unset). */
  static Node newNode(String line, LineMap map, char escape, List<String> comments) {
    return newNode(line, map, escape, comments, 0);
  }

  private static Node newNode(
      String line, LineMap map, char escape, List<String> comments, int onbuildDepth) {
    // Split off the keyword: the line is trimmed, then split at the first run of blanks.
    int start = 0;
    while (start < line.length() && GoText.isSpace(line.charAt(start))) {
      start++;
    }
    int end = line.length();
    while (end > start && GoText.isSpace(line.charAt(end - 1))) {
      end--;
    }
    int kwEnd = start;
    while (kwEnd < end && !GoText.isBlank(line.charAt(kwEnd))) {
      kwEnd++;
    }
    String keyword = line.substring(start, kwEnd);
    List<String> flags = new ArrayList<>();
    List<Integer> flagOffsets = new ArrayList<>();
    String rest = "";
    int restOffset = end;
    if (kwEnd < end) {
      int remStart = kwEnd;
      while (remStart < end && GoText.isBlank(line.charAt(remStart))) {
        remStart++;
      }
      int argsStart = extractFlags(line, remStart, end, flags, flagOffsets);
      String tail = line.substring(argsStart, end);
      rest = GoText.trimSpace(tail);
      restOffset = end - rest.length();
    }
    Args args =
        split(
            keyword.toLowerCase(java.util.Locale.ROOT),
            rest,
            restOffset,
            map,
            escape,
            onbuildDepth);
    return new Node(
        keyword,
        flags,
        flagOffsets,
        args.values(),
        args.trigger(),
        args.json(),
        List.of(),
        line,
        SourceRange.at(map.positionOf(0).line(), map.positionOf(0).column()),
        comments,
        map);
  }

  private static Args split(
      String cmd, String rest, int restOffset, LineMap map, char escape, int onbuildDepth) {
    switch (cmd) {
      case "add":
      case "copy":
      case "volume":
        return maybeJsonToList(rest);
      case "arg":
        return Args.of(words(rest, escape));
      case "cmd":
      case "entrypoint":
      case "run":
      case "shell":
        return maybeJson(rest);
      case "env":
        return Args.of(nameValues(rest, "ENV", escape));
      case "label":
        return Args.of(nameValues(rest, "LABEL", escape));
      case "expose":
      case "from":
        return Args.of(whitespaceDelimited(rest));
      case "healthcheck":
        return healthConfig(rest);
      case "maintainer":
      case "stopsignal":
      case "user":
      case "workdir":
        return rest.isEmpty() ? Args.NONE : Args.of(List.of(rest));
      case "onbuild":
        if (rest.isEmpty()) {
          return Args.NONE;
        }
        if (onbuildDepth >= MAX_ONBUILD_NESTING) {
          SourcePosition at = map.positionOf(restOffset);
          throw new DockerfileException(
              "ONBUILD nested more than " + MAX_ONBUILD_NESTING + " deep",
              List.of(new SourceRange(at, at)),
              "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
              null);
        }
        Node child = newNode(rest, map.shift(restOffset), escape, List.of(), onbuildDepth + 1);
        return new Args(List.of(), child, false);
      default:
        // Unknown instructions parse; rejecting them is the instructions layer's job.
        return Args.of(List.of(""));
    }
  }

  /**
   * Reads the leading {@code --flags} of {@code line[from, end)}; returns where the arguments
   * start. Quotes and backslash escapes inside a flag are resolved; a bare {@code --} ends the
   * flags and is dropped.
   */
  static int extractFlags(String line, int from, int end, List<String> flags, List<Integer> at) {
    int pos = from;
    while (true) {
      while (pos < end && GoText.isSpace(line.charAt(pos))) {
        pos++;
      }
      if (pos >= end) {
        return end;
      }
      if (!(line.charAt(pos) == '-' && pos + 1 < end && line.charAt(pos + 1) == '-')) {
        return pos;
      }
      int wordStart = pos;
      StringBuilder word = new StringBuilder();
      boolean blankOk = false;
      char quote = 0;
      boolean inQuote = false;
      while (pos < end) {
        char ch = line.charAt(pos);
        if (!inQuote) {
          if (GoText.isSpace(ch)) {
            break;
          }
          if (ch == '\'' || ch == '"') {
            quote = ch;
            blankOk = true;
            inQuote = true;
            pos++;
            continue;
          }
          if (ch == '\\') {
            if (pos + 1 == end) {
              pos++;
              continue;
            }
            pos++;
            ch = line.charAt(pos);
          }
          word.append(ch);
          pos++;
        } else {
          if (ch == quote) {
            inQuote = false;
            pos++;
            continue;
          }
          if (ch == '\\') {
            if (pos + 1 == end) {
              inQuote = false;
              pos++;
              continue;
            }
            pos++;
            ch = line.charAt(pos);
          }
          word.append(ch);
          pos++;
        }
      }
      String w = word.toString();
      if (w.equals("--")) {
        return pos;
      }
      if (blankOk || !w.isEmpty()) {
        flags.add(w);
        at.add(wordStart);
      }
    }
  }

  /** ENV/LABEL/ARG word splitting: unquoted white space splits, quotes and escapes are kept. */
  public static List<String> words(String rest, char escape) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean blankOk = false;
    final int inSpaces = 0;
    final int inWord = 1;
    final int inQuote = 2;
    int phase = inSpaces;
    int quote = 0;
    int[] cps = rest.codePoints().toArray();
    int n = cps.length;
    for (int pos = 0; pos <= n; pos++) {
      int ch = pos < n ? cps[pos] : -1;
      if (phase == inSpaces) {
        if (pos == n) {
          break;
        }
        if (GoText.isSpace(ch)) {
          continue;
        }
        phase = inWord;
      }
      if ((phase == inWord || phase == inQuote) && pos == n) {
        if (blankOk || word.length() > 0) {
          words.add(word.toString());
        }
        break;
      }
      if (phase == inWord) {
        if (GoText.isSpace(ch)) {
          phase = inSpaces;
          if (blankOk || word.length() > 0) {
            words.add(word.toString());
          }
          word.setLength(0);
          blankOk = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blankOk = true;
          phase = inQuote;
        }
        if (ch == escape) {
          if (pos + 1 == n) {
            continue;
          }
          word.appendCodePoint(ch);
          pos++;
          ch = cps[pos];
        }
        word.appendCodePoint(ch);
        continue;
      }
      if (ch == quote) {
        phase = inWord;
      }
      if (ch == escape && quote != '\'') {
        if (pos + 1 == n) {
          phase = inWord;
          continue;
        }
        pos++;
        word.appendCodePoint(ch);
        ch = cps[pos];
      }
      word.appendCodePoint(ch);
    }
    return words;
  }

  /**
   * ENV and LABEL arguments: {@code key value} (old form) gives {@code [key, value, ""]}; {@code
   * k=v ...} gives {@code [k, v, "="]} per word.
   */
  public static List<String> nameValues(String rest, String key, char escape) {
    List<String> words = words(rest, escape);
    if (words.isEmpty()) {
      return List.of();
    }
    if (!words.get(0).contains("=")) {
      int i = 0;
      while (i < rest.length() && !GoText.isBlank(rest.charAt(i))) {
        i++;
      }
      if (i >= rest.length()) {
        throw new DockerfileException(
            key + " must have two arguments",
            key + " needs a name and a value: " + key + " name=value");
      }
      int j = i;
      while (j < rest.length() && GoText.isBlank(rest.charAt(j))) {
        j++;
      }
      return List.of(rest.substring(0, i), rest.substring(j), "");
    }
    List<String> out = new ArrayList<>(words.size() * 3);
    for (String w : words) {
      int eq = w.indexOf('=');
      if (eq < 0) {
        throw new DockerfileException(
            "Syntax error - can't find = in "
                + GoText.quote(w)
                + ". Must be of the form: name=value",
            "write every pair as name=value, or use one " + key + " per pair");
      }
      out.add(w.substring(0, eq));
      out.add(w.substring(eq + 1));
      out.add("=");
    }
    return out;
  }

  static List<String> whitespaceDelimited(String rest) {
    if (rest.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = rest.length();
    int start = 0;
    while (i <= n) {
      if (i == n || GoText.isBlank(rest.charAt(i))) {
        out.add(rest.substring(start, i));
        while (i < n && GoText.isBlank(rest.charAt(i))) {
          i++;
        }
        start = i;
        if (i == n) {
          break;
        }
      } else {
        i++;
      }
    }
    return out;
  }

  /**
   * Exec-form arguments: the strings of {@code rest} when it is a JSON array of strings; null when
   * it is not JSON (use shell form).
   *
   * @throws DockerfileException when it is a JSON array holding something other than strings
   */
  public static List<String> jsonArray(String rest) {
    String trimmed = GoText.trimLeftSpace(rest);
    if (!trimmed.startsWith("[")) {
      return null;
    }
    Object parsed = GoJson.parse(trimmed);
    if (!(parsed instanceof List)) {
      return null;
    }
    List<?> items = (List<?>) parsed;
    List<String> out = new ArrayList<>(items.size());
    for (Object o : items) {
      if (!(o instanceof String)) {
        throw new DockerfileException(
            "when using JSON array syntax, arrays must be comprised of strings only",
            "quote every element, e.g. [\"echo\", \"1\"]");
      }
      out.add((String) o);
    }
    return out;
  }

  private static Args maybeJson(String rest) {
    if (rest.isEmpty()) {
      return Args.NONE;
    }
    List<String> json = jsonArray(rest);
    if (json != null) {
      return new Args(json, null, true);
    }
    return Args.of(List.of(rest));
  }

  private static Args maybeJsonToList(String rest) {
    List<String> json = jsonArray(rest);
    if (json != null) {
      return new Args(json, null, true);
    }
    return Args.of(whitespaceDelimited(rest));
  }

  private static Args healthConfig(String rest) {
    int sep = 0;
    while (sep < rest.length() && !GoText.isSpace(rest.charAt(sep))) {
      sep++;
    }
    int next = sep;
    while (next < rest.length() && GoText.isSpace(rest.charAt(next))) {
      next++;
    }
    if (sep == 0) {
      return Args.NONE;
    }
    Args cmd = maybeJson(rest.substring(next));
    List<String> values = new ArrayList<>(cmd.values().size() + 1);
    values.add(rest.substring(0, sep));
    values.addAll(cmd.values());
    return new Args(values, null, cmd.json());
  }
}
