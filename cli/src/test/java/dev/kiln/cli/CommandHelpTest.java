package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Help, shell completion and man pages: generated from the commands, complete, and truthful. */
class CommandHelpTest {
  private final RecordingEngine engine = new RecordingEngine();

  private static CommandSpec spec(String... path) {
    CommandLine line = CommandTree.whole(Main.factory(null));
    for (String name : path) {
      line = line.getSubcommands().get(name);
    }
    return line.getCommandSpec();
  }

  /** Options a person sets (not -h / -V, which picocli adds to every command). */
  private static List<OptionSpec> userOptions(CommandSpec spec) {
    List<OptionSpec> options = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (!o.usageHelp() && !o.versionHelp()) {
        options.add(o);
      }
    }
    return options;
  }

  @Test
  void helpBuildListsEveryFlagWithAOneLineMeaningAndADefault() {
    var run = engine.run(Map.of(), "", "help", "build");
    assertEquals(0, run.exitCode(), run.stderr());
    String help = run.stdout();
    List<OptionSpec> options = userOptions(spec("build"));
    List<String> buildx =
        List.of(
            "-f",
            "--file",
            "-t",
            "--tag",
            "--build-arg",
            "--build-arg-file",
            "--target",
            "--platform",
            "--label",
            "--annotation",
            "--push",
            "--load",
            "-o",
            "--output",
            "--cache-from",
            "--cache-to",
            "--no-cache",
            "--no-cache-filter",
            "--secret",
            "--ssh",
            "--network",
            "--allow",
            "--isolation",
            "--build-context",
            "--iidfile",
            "--metadata-file",
            "--progress",
            "-q",
            "--quiet",
            "--source-date-epoch",
            "--insecure-registry",
            "--max-parallelism",
            "--sign",
            "--sbom",
            "--provenance",
            "--attest",
            "--debug");
    for (String flag : buildx) {
      assertTrue(
          options.stream().anyMatch(o -> List.of(o.names()).contains(flag)), flag + " exists");
    }
    for (OptionSpec option : options) {
      for (String name : option.names()) {
        assertTrue(help.contains(name), name + " is listed in kiln help build");
      }
      String meaning = option.description().length == 0 ? "" : option.description()[0];
      assertFalse(meaning.isBlank(), option.longestName() + " has a one-line meaning");
      String all = String.join(" ", option.description());
      assertTrue(all.contains("(default: "), option.longestName() + " states its default: " + all);
      // The default in the text must be what picocli really uses, where it has one.
      if (option.defaultValue() != null) {
        assertTrue(all.contains(option.defaultValue()), option.longestName() + ": " + all);
      }
    }
  }

  @Test
  void everyCommandHasHelpWhoseFlagsStateTheirDefaults() {
    for (String command :
        List.of(
            "push",
            "pull",
            "index",
            "copy",
            "inspect",
            "tag",
            "images",
            "rmi",
            "save",
            "load",
            "sign",
            "verify",
            "verify-attestation",
            "login",
            "logout",
            "version",
            "completion",
            "man")) {
      var run = engine.run(Map.of(), "", command, "--help");
      assertEquals(0, run.exitCode(), command + ": " + run.stderr());
      assertTrue(run.stdout().startsWith("Usage: kiln " + command), run.stdout());
      for (OptionSpec option : userOptions(spec(command))) {
        String all = String.join(" ", option.description());
        assertTrue(all.contains("(default: "), command + " " + option.longestName() + ": " + all);
      }
    }
    var top = engine.run(Map.of(), "", "--help");
    for (String command :
        List.of(
            "build", "push", "pull", "copy", "inspect", "tag", "images", "rmi", "save", "load",
            "sign", "verify", "key", "login", "logout")) {
      assertTrue(
          top.stdout().contains("\n  " + command + " ")
              || top.stdout().contains("\n  " + command + ", "),
          top.stdout());
    }
    assertTrue(top.stdout().contains("130 interrupted"), "exit codes are documented");
  }

  @Test
  void completionScriptKnowsEveryCommandAndBuildFlag() {
    for (String shell : List.of("bash", "zsh")) {
      var run = engine.run(Map.of(), "", "completion", shell);
      assertEquals(0, run.exitCode(), run.stderr());
      String script = run.stdout();
      assertTrue(script.contains("complete -F"), "a bash completion function is registered");
      assertTrue(script.contains("bashcompinit"), "zsh is set up through bashcompinit");
      for (String command : List.of("build", "push", "pull", "inspect", "tag", "login")) {
        assertTrue(script.contains(command), command);
      }
      for (OptionSpec option : userOptions(spec("build"))) {
        assertTrue(script.contains(option.longestName()), option.longestName());
      }
    }
    var fish = engine.run(Map.of(), "", "completion", "fish");
    assertEquals(0, fish.exitCode(), fish.stderr());
    for (String command : List.of("build", "push", "pull", "inspect", "tag", "login", "images")) {
      assertTrue(fish.stdout().contains(" -f -a '" + command + "'"), command);
    }
    for (OptionSpec option : userOptions(spec("build"))) {
      assertTrue(
          fish.stdout().contains(" -l " + option.longestName().substring(2)), option.longestName());
    }
    var other = engine.run(Map.of(), "", "completion", "tcsh");
    assertEquals(ExitCode.USAGE, other.exitCode());
    assertTrue(other.stderr().contains("bash, zsh, fish"), other.stderr());
  }

  @Test
  void manWritesATroffPageForEveryCommandListingItsOptions(@TempDir Path dir) throws Exception {
    var run = engine.run(Map.of(), "", "man", "--dir", dir.toString());
    assertEquals(0, run.exitCode(), run.stderr());
    for (String page :
        List.of("kiln", "kiln-build", "kiln-push", "kiln-pull", "kiln-login", "kiln-cache-prune")) {
      assertTrue(Files.isRegularFile(dir.resolve(page + ".1")), page + ".1");
    }
    String build = Files.readString(dir.resolve("kiln-build.1"));
    assertTrue(build.contains("\n.TH \"KILN-BUILD\" 1 "), build);
    for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ARGUMENTS")) {
      assertTrue(build.contains("\n.SH " + section + "\n"), section);
    }
    assertTrue(build.contains("\n.SH \"EXIT STATUS\"\n"), "exit codes");
    assertTrue(build.contains("\\fBkiln build\\fR [\\fIOPTIONS\\fR] [\\fICONTEXT\\fR]"), build);
    for (OptionSpec option : userOptions(spec("build"))) {
      assertTrue(
          build.contains("\\fB" + option.longestName().replace("-", "\\-") + "\\fR"),
          option.longestName());
    }
    String top = Files.readString(dir.resolve("kiln.1"));
    assertTrue(top.contains(".SH COMMANDS\n"), top);
    assertTrue(top.contains("\\fBkiln\\-build\\fR(1)"), "SEE ALSO names the command pages");
  }

  @Test
  void troffPagesRenderWithoutWarnings(@TempDir Path dir) throws Exception {
    assertEquals(0, engine.run(Map.of(), "", "man", "--dir", dir.toString()).exitCode());
    try (var pages = Files.list(dir)) {
      for (Path page : pages.toList()) {
        // groff's own man(7) check: -ww turns on every warning, -z drops the output.
        Process groff =
            new ProcessBuilder("groff", "-man", "-ww", "-z", "-Tutf8", page.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(groff.getInputStream().readAllBytes());
        assertEquals(0, groff.waitFor(), page + ": " + said);
        assertEquals("", said, page + " renders without warnings");
      }
    }
    Process man =
        new ProcessBuilder("man", "-l", dir.resolve("kiln-push.1").toString())
            .redirectErrorStream(true)
            .start();
    man.getOutputStream().close();
    String text = new String(man.getInputStream().readAllBytes());
    assertEquals(0, man.waitFor(), text);
    assertTrue(text.contains("--insecure-registry=HOST[:PORT]"), text);
    assertTrue(text.contains("EXIT STATUS"), text);
  }

  @Test
  void manWritesAsciiDocOnRequest(@TempDir Path dir) throws Exception {
    var run = engine.run(Map.of(), "", "man", "--format", "asciidoc", "--dir", dir.toString());
    assertEquals(0, run.exitCode(), run.stderr());
    for (String page : List.of("kiln", "kiln-build", "kiln-push", "kiln-pull", "kiln-login")) {
      assertTrue(Files.isRegularFile(dir.resolve(page + ".adoc")), page + ".adoc");
    }
    String build = Files.readString(dir.resolve("kiln-build.adoc"));
    assertTrue(build.contains(":doctype: manpage"), "an AsciiDoc man page");
    for (OptionSpec option : userOptions(spec("build"))) {
      assertTrue(build.contains(option.longestName()), option.longestName());
    }
  }
}
