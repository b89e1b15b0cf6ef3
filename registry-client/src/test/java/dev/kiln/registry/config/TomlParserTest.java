package dev.kiln.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The TOML subset of registries.conf files, and the errors for what it does not read. */
class TomlParserTest {

  private static Map<String, Object> parse(String text) {
    return TomlParser.parse(text, "test.conf").toMap();
  }

  private static ConfigFileException failure(String text) {
    return assertThrows(ConfigFileException.class, () -> TomlParser.parse(text, "test.conf"));
  }

  @Test
  void aRealRegistriesConf() {
    String text =
        """
        # Fedora-like registries.conf
        unqualified-search-registries = ["registry.fedoraproject.org", "quay.io",
            "docker.io",   # Docker Hub last
        ]
        short-name-mode = "enforcing"

        [[registry]]
        prefix = "docker.io"
        location = "docker.io"   # the origin
        insecure = false
        blocked = false

        [[registry.mirror]]
        location = "mirror.example.com:5000"
        insecure = true

        [[registry.mirror]]
        location = 'mirror2.example.com/dockerhub'
        pull-from-mirror = "digest-only"

        [[registry]]
        location = "internal.example.com"
        mirror = [ { location = "cache.internal:5000", insecure = true } ]

        [aliases]
        "fedora" = "registry.fedoraproject.org/fedora"
        busybox = "docker.io/library/busybox"
        """;
    Map<String, Object> expected =
        Map.of(
            "unqualified-search-registries",
            List.of("registry.fedoraproject.org", "quay.io", "docker.io"),
            "short-name-mode",
            "enforcing",
            "registry",
            List.of(
                Map.of(
                    "prefix",
                    "docker.io",
                    "location",
                    "docker.io",
                    "insecure",
                    false,
                    "blocked",
                    false,
                    "mirror",
                    List.of(
                        Map.of("location", "mirror.example.com:5000", "insecure", true),
                        Map.of(
                            "location",
                            "mirror2.example.com/dockerhub",
                            "pull-from-mirror",
                            "digest-only"))),
                Map.of(
                    "location",
                    "internal.example.com",
                    "mirror",
                    List.of(Map.of("location", "cache.internal:5000", "insecure", true)))),
            "aliases",
            Map.of(
                "fedora", "registry.fedoraproject.org/fedora",
                "busybox", "docker.io/library/busybox"));
    assertEquals(expected, parse(text));
  }

  @Test
  void keysRememberTheirLines() {
    TomlTable root =
        TomlParser.parse("a = 1\n\n[[registry]]\n# c\nlocation = \"x\"\n", "test.conf");
    assertEquals(1, root.lineOf("a"));
    TomlTable registry = root.tables("registry").get(0);
    assertEquals(3, registry.line());
    assertEquals(5, registry.lineOf("location"));
  }

  @Test
  void stringsEscapesAndLiteralStrings() {
    assertEquals(
        Map.of(
            "basic", "tab\there \"quoted\" back\\slash \u00e9 \uD83D\uDE00 #not-a-comment",
            "literal", "C:\\path\\no escapes",
            "empty", ""),
        parse(
            "basic = \"tab\\there \\\"quoted\\\" back\\\\slash \\u00e9 \\U0001F600"
                + " #not-a-comment\"\n"
                + "literal = 'C:\\path\\no escapes'\n"
                + "empty = \"\"\n"));
  }

  @Test
  void keysMayBeQuotedOrDottedAndTablesNested() {
    assertEquals(
        Map.of(
            "a", Map.of("b", Map.of("c", 1L)),
            "x.y", "quoted key with a dot",
            "t", Map.of("u", Map.of("v", true), "w", -7L)),
        parse(
            "a . b.c = 1\n"
                + "\"x.y\" = \"quoted key with a dot\"\n"
                + "[t.u]\nv = true\n"
                + "[t]\nw = -7\n"));
  }

  @Test
  void arraysOfTablesNestUnderTheLastElement() {
    assertEquals(
        Map.of(
            "r",
            List.of(
                Map.of("n", 1L, "m", List.of(Map.of("k", 1L), Map.of("k", 2L))),
                Map.of("n", 2L, "m", List.of(Map.of("k", 3L))))),
        parse("[[r]]\nn=1\n[[r.m]]\nk=1\n[[r.m]]\nk=2\n[[r]]\nn=2\n[[r.m]]\nk=3\n"));
  }

  @Test
  void emptyArraysTablesAndCrLfLineEnds() {
    assertEquals(
        Map.of("a", List.of(), "t", Map.of(), "u", Map.of("x", List.of("y"))),
        parse("a = []\r\nt = {}\r\n[u]\r\nx = [\r\n  \"y\",\r\n]\r\n"));
  }

  @Test
  void aByteOrderMarkAndNoFinalNewlineAreFine() {
    assertEquals(Map.of("k", "v"), parse("\uFEFFk = \"v\""));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // problem | text | line
        "a key set twice|a = 1\\nb = 2\\na = 3|3",
        "a table defined twice|[t]\\n[t]|2",
        "[[x]] over a plain array|x = [1]\\n[[x]]|2",
        "a table extending a value|x = 1\\n[x.y]|2",
        "an inline table extended|t = {a = 1}\\nt.b = 2|2",
        "a header reopening a dotted-key table|a.b = 1\\n[a]|2",
        "an unclosed string|a = \"open|1",
        "an unclosed array|a = [1,\\n2|1",
        "a missing comma in an array|a = [1 2]|1",
        "a float|a = 1.5|1",
        "a date|a = 1979-05-27|1",
        "a multi-line basic string|a = \"\"\"x\"\"\"|1",
        "a multi-line literal string|a = '''x'''|1",
        "an unknown escape|a = \"\\q\"|1",
        "a bad unicode escape|a = \"\\uZZZZ\"|1",
        "a surrogate escape|a = \"\\uD800\"|1",
        "garbage after a value|a = 1 2|1",
        "a key without a value|a =|1",
        "a key without =|a 1|1",
        "an unquoted string value|a = docker.io|1",
        "an unclosed header|[t|1",
        "an inline table over two lines|t = {a = 1,\\nb = 2}|1",
        "a bare carriage return|a = 1\\rb = 2|1",
        "a leading zero|a = 01|1",
      })
  void errorsNameTheFileAndLine(String problem, String text, int line) {
    ConfigFileException e = failure(text.replace("\\n", "\n").replace("\\r", "\r"));
    assertEquals("test.conf", e.file(), problem);
    assertEquals(line, e.line(), problem + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith("test.conf:" + line + ": "), e.getMessage());
  }

  @Test
  void typedGettersSayWhatWasExpectedAndWhere() {
    TomlTable root = TomlParser.parse("\n[[registry]]\ninsecure = \"yes\"\n", "r.conf");
    ConfigFileException e =
        assertThrows(
            ConfigFileException.class,
            () -> root.tables("registry").get(0).bool("insecure", false));
    assertEquals("r.conf:3: \"insecure\" must be true or false", e.getMessage());
    TomlTable other = TomlParser.parse("a = [1, \"x\"]\nb = \"s\"\n", "r.conf");
    assertThrows(ConfigFileException.class, () -> other.strings("a"));
    assertThrows(ConfigFileException.class, () -> other.tables("b"));
    assertEquals(null, other.strings("absent"));
    assertEquals(List.of(), other.tables("absent"));
  }
}
