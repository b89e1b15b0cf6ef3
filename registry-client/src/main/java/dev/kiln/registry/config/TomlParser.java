package dev.kiln.registry.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads the part of TOML that {@code containers-registries.conf(5)} files use: comments, {@code
 * [table]} and {@code [[array.of.tables]]} headers, bare, quoted and dotted keys, basic ({@code
 * "…"} with escapes) and literal ({@code '…'}) strings, booleans, decimal integers, arrays (over
 * several lines, with comments and a trailing comma) and inline tables.
 *
 * <p>Why a hand-written parser: kiln's dependency rules admit no TOML library, and these files need
 * only this subset. It follows TOML 1.0 where it reads anything (a key set twice, a table defined
 * twice, or {@code [[x]]} over a plain array are errors), and refuses the rest (multi-line strings,
 * floats, dates and times) with an error naming the file and line, rather than guessing. Values
 * come back as a {@link TomlTable}; the registries.conf reader gives them their meaning.
 */
public final class TomlParser {
  private final String text;
  private final String file;
  private int pos;
  private int line = 1;
  private final TomlTable root;

  /** Tables defined by a [header] (a second header for one is an error). */
  private final Set<TomlTable> defined = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Arrays made by [[header]] (only those may get more tables). */
  private final Set<List<Object>> tableArrays = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Tables that dotted keys made, which a header may not reopen. */
  private final Set<TomlTable> closed = Collections.newSetFromMap(new IdentityHashMap<>());

  /** Inline tables, which nothing may extend. */
  private final Set<TomlTable> inline = Collections.newSetFromMap(new IdentityHashMap<>());

  private TomlParser(String text, String file) {
    this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
    this.file = file;
    this.root = new TomlTable(file, 0);
  }

  /**
   * Parses {@code text}.
   *
   * @param file the file's name, for messages
   * @throws ConfigFileException naming the file and line of the first problem
   */
  public static TomlTable parse(String text, String file) {
    TomlParser parser = new TomlParser(text, file);
    parser.document();
    return parser.root;
  }

  private void document() {
    TomlTable current = root;
    while (!atEnd()) {
      skipBlanks();
      if (atEnd()) {
        break;
      }
      char c = peek();
      if (c == '\n' || c == '\r') {
        newline();
        continue;
      }
      if (c == '#') {
        skipComment();
        continue;
      }
      if (c == '[') {
        current = header();
      } else {
        keyValue(current);
      }
      endOfLine();
    }
  }

  // ---------------------------------------------------------------- headers

  private TomlTable header() {
    int headerLine = line;
    pos++;
    boolean array = false;
    if (!atEnd() && peek() == '[') {
      array = true;
      pos++;
    }
    skipBlanks();
    List<String> path = keyPath();
    skipBlanks();
    expect(']', array ? "]] to close the table header" : "] to close the table header");
    if (array) {
      expect(']', "]] to close the array-of-tables header");
    }
    TomlTable parent = root;
    for (int i = 0; i < path.size() - 1; i++) {
      parent = descend(parent, path.get(i), headerLine, true);
    }
    String last = path.get(path.size() - 1);
    Object existing = parent.get(last);
    if (array) {
      List<Object> list;
      if (existing == null) {
        list = new ArrayList<>();
        tableArrays.add(list);
        parent.put(last, list, headerLine);
      } else if (existing instanceof List<?> l && tableArrays.contains(l)) {
        @SuppressWarnings("unchecked")
        List<Object> known = (List<Object>) l;
        list = known;
      } else {
        throw error(
            headerLine, "[[" + dotted(path) + "]] extends a key that is not an array of tables");
      }
      TomlTable table = new TomlTable(file, headerLine);
      list.add(table);
      defined.add(table);
      return table;
    }
    if (existing == null) {
      TomlTable table = new TomlTable(file, headerLine);
      parent.put(last, table, headerLine);
      defined.add(table);
      return table;
    }
    if (existing instanceof TomlTable t
        && !defined.contains(t)
        && !closed.contains(t)
        && !inline.contains(t)) {
      defined.add(t);
      return t;
    }
    throw error(headerLine, "[" + dotted(path) + "] is defined twice");
  }

  /** The table under {@code key} of {@code parent}, made if absent (the last of an array). */
  private TomlTable descend(TomlTable parent, String key, int atLine, boolean forHeader) {
    Object v = parent.get(key);
    if (v == null) {
      TomlTable t = new TomlTable(file, atLine);
      parent.put(key, t, atLine);
      if (!forHeader) {
        closed.add(t);
      }
      return t;
    }
    if (v instanceof TomlTable t) {
      if (inline.contains(t)) {
        throw error(atLine, "\"" + key + "\" is an inline table; it cannot be extended");
      }
      if (!forHeader && defined.contains(t)) {
        throw error(atLine, "\"" + key + "\" is a table defined by a header; set its keys there");
      }
      return t;
    }
    if (forHeader && v instanceof List<?> l && tableArrays.contains(l) && !l.isEmpty()) {
      return (TomlTable) l.get(l.size() - 1);
    }
    throw error(atLine, "\"" + key + "\" is already set to a value that is not a table");
  }

  // ---------------------------------------------------------------- key = value

  private void keyValue(TomlTable table) {
    int keyLine = line;
    List<String> path = keyPath();
    skipBlanks();
    expect('=', "= after the key " + dotted(path));
    skipBlanks();
    Object value = value();
    TomlTable target = table;
    for (int i = 0; i < path.size() - 1; i++) {
      target = descend(target, path.get(i), keyLine, false);
    }
    String last = path.get(path.size() - 1);
    if (target.has(last)) {
      throw error(keyLine, "the key " + dotted(path) + " is set twice");
    }
    target.put(last, value, keyLine);
  }

  private List<String> keyPath() {
    List<String> path = new ArrayList<>();
    path.add(key());
    while (true) {
      int mark = pos;
      skipBlanks();
      if (!atEnd() && peek() == '.') {
        pos++;
        skipBlanks();
        path.add(key());
      } else {
        pos = mark;
        return path;
      }
    }
  }

  private String key() {
    if (atEnd()) {
      throw error(line, "a key is missing");
    }
    char c = peek();
    if (c == '"') {
      return basicString();
    }
    if (c == '\'') {
      return literalString();
    }
    int start = pos;
    while (!atEnd() && isBareKeyChar(peek())) {
      pos++;
    }
    if (start == pos) {
      throw error(line, "expected a key, found " + describe(c));
    }
    return text.substring(start, pos);
  }

  private static boolean isBareKeyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }

  // ---------------------------------------------------------------- values

  private Object value() {
    if (atEnd()) {
      throw error(line, "a value is missing");
    }
    char c = peek();
    switch (c) {
      case '"':
        return basicString();
      case '\'':
        return literalString();
      case '[':
        return array();
      case '{':
        return inlineTable();
      default:
        break;
    }
    if (text.startsWith("true", pos) && !bareContinues(pos + 4)) {
      pos += 4;
      return Boolean.TRUE;
    }
    if (text.startsWith("false", pos) && !bareContinues(pos + 5)) {
      pos += 5;
      return Boolean.FALSE;
    }
    if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
      return integer();
    }
    throw error(
        line,
        "expected a value (a \"string\", true, false, a number, [an array] or {a table}), found "
            + describe(c));
  }

  private boolean bareContinues(int at) {
    return at < text.length() && isBareKeyChar(text.charAt(at));
  }

  private Long integer() {
    int start = pos;
    if (peek() == '+' || peek() == '-') {
      pos++;
    }
    while (!atEnd()
        && (Character.isLetterOrDigit(peek())
            || peek() == '_'
            || peek() == '.'
            || peek() == ':'
            || peek() == '-'
            || peek() == '+')) {
      pos++;
    }
    String raw = text.substring(start, pos);
    String digits = raw.replace("_", "");
    if (!raw.matches("[+-]?(0|[1-9](_?[0-9])*)")) {
      throw error(
          line,
          "kiln reads decimal integers, strings, booleans, arrays and tables here; \""
              + raw
              + "\" is none of them (floats, dates and other number forms are not read)");
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw error(line, "the number " + raw + " is too large");
    }
  }

  private List<Object> array() {
    int start = line;
    pos++;
    List<Object> out = new ArrayList<>();
    while (true) {
      skipBlanksNewlinesComments();
      if (atEnd()) {
        throw error(start, "the array opened here is not closed with ]");
      }
      if (peek() == ']') {
        pos++;
        return out;
      }
      out.add(value());
      skipBlanksNewlinesComments();
      if (atEnd()) {
        throw error(start, "the array opened here is not closed with ]");
      }
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c != ']') {
        throw error(line, "expected , or ] in the array, found " + describe(c));
      }
    }
  }

  private TomlTable inlineTable() {
    int start = line;
    pos++;
    TomlTable table = new TomlTable(file, start);
    inline.add(table);
    skipBlanks();
    if (!atEnd() && peek() == '}') {
      pos++;
      return table;
    }
    while (true) {
      skipBlanks();
      keyValue(table);
      skipBlanks();
      if (atEnd() || peek() == '\n' || peek() == '\r') {
        throw error(start, "the inline table opened here must be closed with } on the same line");
      }
      char c = peek();
      pos++;
      if (c == '}') {
        return table;
      }
      if (c != ',') {
        throw error(line, "expected , or } in the inline table, found " + describe(c));
      }
    }
  }

  private String basicString() {
    if (text.startsWith("\"\"\"", pos)) {
      throw error(line, "multi-line strings (\"\"\") are not read by kiln; use one line");
    }
    int start = line;
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (atEnd() || peek() == '\n' || peek() == '\r') {
        throw error(start, "the string is not closed with \" on its line");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c == '\\') {
        out.append(escape());
      } else if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw error(line, "a control character must be written as an escape in a string");
      } else {
        out.append(c);
      }
    }
  }

  private String escape() {
    if (atEnd()) {
      throw error(line, "the string ends in the middle of an escape");
    }
    char c = text.charAt(pos++);
    switch (c) {
      case '"':
        return "\"";
      case '\\':
        return "\\";
      case 'b':
        return "\b";
      case 't':
        return "\t";
      case 'n':
        return "\n";
      case 'f':
        return "\f";
      case 'r':
        return "\r";
      case 'u':
        return unicode(4);
      case 'U':
        return unicode(8);
      default:
        throw error(line, "\\" + c + " is not an escape TOML knows");
    }
  }

  private String unicode(int digits) {
    if (pos + digits > text.length()) {
      throw error(line, "a \\u escape needs " + digits + " hex digits");
    }
    String hex = text.substring(pos, pos + digits);
    if (!hex.matches("[0-9A-Fa-f]+")) {
      throw error(line, "\\u" + hex + " is not a hex escape");
    }
    pos += digits;
    int code = Integer.parseInt(hex, 16);
    if (!Character.isValidCodePoint(code) || (code >= 0xD800 && code <= 0xDFFF)) {
      throw error(line, "\\u" + hex + " is not a Unicode scalar value");
    }
    return new String(Character.toChars(code));
  }

  private String literalString() {
    if (text.startsWith("'''", pos)) {
      throw error(line, "multi-line strings (''') are not read by kiln; use one line");
    }
    int start = line;
    pos++;
    int from = pos;
    while (true) {
      if (atEnd() || peek() == '\n' || peek() == '\r') {
        throw error(start, "the string is not closed with ' on its line");
      }
      if (peek() == '\'') {
        String s = text.substring(from, pos);
        pos++;
        return s;
      }
      pos++;
    }
  }

  // ---------------------------------------------------------------- whitespace

  private void endOfLine() {
    skipBlanks();
    if (atEnd()) {
      return;
    }
    char c = peek();
    if (c == '#') {
      skipComment();
      return;
    }
    if (c == '\n' || c == '\r') {
      newline();
      return;
    }
    throw error(line, "expected the end of the line, found " + describe(c));
  }

  private void skipBlanks() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
      pos++;
    }
  }

  private void skipComment() {
    while (!atEnd() && peek() != '\n' && peek() != '\r') {
      pos++;
    }
  }

  private void skipBlanksNewlinesComments() {
    while (!atEnd()) {
      char c = peek();
      if (c == ' ' || c == '\t') {
        pos++;
      } else if (c == '\n' || c == '\r') {
        newline();
      } else if (c == '#') {
        skipComment();
      } else {
        return;
      }
    }
  }

  private void newline() {
    if (peek() == '\r') {
      pos++;
      if (atEnd() || peek() != '\n') {
        throw error(line, "a carriage return must be followed by a line feed");
      }
    }
    pos++;
    line++;
  }

  private void expect(char c, String what) {
    if (atEnd() || peek() != c) {
      throw error(
          line,
          "expected "
              + what
              + (atEnd() ? ", found the end of the file" : ", found " + describe(peek())));
    }
    pos++;
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private char peek() {
    return text.charAt(pos);
  }

  private static String describe(char c) {
    if (c == '\n' || c == '\r') {
      return "the end of the line";
    }
    return "'" + c + "'";
  }

  private static String dotted(List<String> path) {
    return String.join(".", path);
  }

  private ConfigFileException error(int atLine, String problem) {
    return new ConfigFileException(
        file, atLine, problem, "fix the file (TOML: https://toml.io/en/v1.0.0)");
  }
}
