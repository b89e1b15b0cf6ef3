package dev.kiln.dockerfile.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.instructions.CommandLine;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.DockerfileInstructions;
import dev.kiln.dockerfile.instructions.EnvInstruction;
import dev.kiln.dockerfile.instructions.HealthcheckInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.Mount;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.instructions.ShellInstruction;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dockerfiles written in the style of official images, parsed end to end. */
class RealWorldDockerfilesTest {

  private static final String NODE_STYLE =
      "# syntax=docker/dockerfile:1\n"
          + "FROM debian:bookworm-slim AS base\n"
          + "ENV NODE_VERSION=20.11.1 \\\n"
          + "    YARN_VERSION=1.22.19\n"
          + "RUN set -eux; \\\n"
          + "    ARCH=\"$(dpkg --print-architecture)\"; \\\n"
          + "    # the comment inside a continuation is dropped\n"
          + "    case \"${ARCH##*-}\" in \\\n"
          + "      amd64) ARCH='x64';; \\\n"
          + "      *) echo \"unsupported\"; exit 1 ;; \\\n"
          + "    esac\n"
          + "\n"
          + "FROM base AS build\n"
          + "WORKDIR /app\n"
          + "COPY --chown=node:node --chmod=0644 package.json yarn.lock ./\n"
          + "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn,sharing=locked \\\n"
          + "    yarn install --frozen-lockfile\n"
          + "COPY <<-EOF /app/config.json\n"
          + "\t{\"port\": 3000}\n"
          + "\tEOF\n"
          + "\n"
          + "FROM base\n"
          + "COPY --from=build /app /app\n"
          + "HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s \\\n"
          + "  CMD [\"node\", \"healthcheck.js\"]\n"
          + "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
          + "ENTRYPOINT [\"docker-entrypoint.sh\"]\n"
          + "CMD [ \"node\" ]\n";

  @Test
  void multiStageNodeStyleFileParsesIntoStagesWithTypedFlags() {
    ParsedDockerfile parsed = DockerfileParser.parse(NODE_STYLE);
    assertEquals("docker/dockerfile:1", parsed.directive("syntax").orElseThrow().value());
    DockerfileInstructions all = DockerfileInstructions.from(parsed);
    assertEquals(3, all.stages().size());
    assertEquals("base", all.stages().get(0).from().stageName());

    EnvInstruction env = (EnvInstruction) all.stages().get(0).commands().get(0);
    assertEquals("NODE_VERSION", env.pairs().get(0).key());
    assertEquals("1.22.19", env.pairs().get(1).value());

    RunInstruction run = (RunInstruction) all.stages().get(0).commands().get(1);
    String script = run.command().args().get(0);
    assertFalse(script.contains("comment inside"), script);
    assertTrue(script.contains("case \"${ARCH##*-}\" in"), script);
    assertEquals(5, run.range().startLine());
    assertEquals(11, run.range().endLine());

    List<Instruction> build = all.stages().get(1).commands();
    CopyInstruction copy = (CopyInstruction) build.get(1);
    assertEquals("node:node", copy.chown());
    assertEquals(0644, copy.chmod().octal());
    assertEquals(List.of("package.json", "yarn.lock"), copy.files().sourcePaths());
    Mount cache = ((RunInstruction) build.get(2)).mounts().get(0);
    assertEquals(Mount.Type.CACHE, cache.type());
    assertEquals(Mount.Sharing.LOCKED, cache.sharing());
    assertFalse(cache.readOnly());
    CopyInstruction heredoc = (CopyInstruction) build.get(3);
    assertEquals("{\"port\": 3000}\n", heredoc.files().sourceContents().get(0).data());

    List<Instruction> last = all.stages().get(2).commands();
    HealthcheckInstruction hc = (HealthcheckInstruction) last.get(1);
    assertEquals(List.of("CMD", "node", "healthcheck.js"), hc.health().test());
    assertEquals(Duration.ofSeconds(30), hc.health().interval());
    assertEquals(Duration.ofSeconds(1), hc.health().startInterval());
    assertEquals(
        List.of("/bin/bash", "-o", "pipefail", "-c"), ((ShellInstruction) last.get(2)).shell());
  }

  @Test
  void backtickEscapeForWindowsStylePaths() {
    String df =
        "# escape=`\n"
            + "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            + "WORKDIR C:\\app\n"
            + "RUN powershell -Command `\n"
            + "    Write-Host hello; `\n"
            + "    Write-Host world\n"
            + "COPY [\"C:\\\\src\\\\app.ps1\", \"C:\\\\app\\\\\"]\n";
    ParsedDockerfile parsed = DockerfileParser.parse(df);
    assertEquals('`', parsed.escapeToken());
    assertEquals("(workdir \"C:\\\\app\")", "(" + parsed.instructions().get(1).dump() + ")");
    assertEquals(
        "powershell -Command     Write-Host hello;     Write-Host world",
        parsed.instructions().get(2).args().get(0));
    assertEquals(List.of("C:\\src\\app.ps1", "C:\\app\\"), parsed.instructions().get(3).args());
    assertTrue(parsed.instructions().get(3).json());
  }

  @Test
  void heredocScriptWithShebangBecomesAScriptFile() {
    String df =
        "FROM python:3.12-slim\n"
            + "RUN <<EOT\n"
            + "#!/usr/bin/env python3\n"
            + "print('hello')\n"
            + "EOT\n"
            + "RUN <<A cat > /a && <<B cat > /b\n"
            + "first\n"
            + "A\n"
            + "second\n"
            + "B\n";
    DockerfileInstructions all = DockerfileInstructions.from(DockerfileParser.parse(df));
    CommandLine script = ((RunInstruction) all.stages().get(0).commands().get(0)).command();
    CommandLine.HeredocCommand hc = script.heredocCommand();
    assertEquals(CommandLine.HeredocCommand.Kind.SCRIPT, hc.kind());
    assertEquals("EOT", hc.name());
    assertEquals("#!/usr/bin/env python3\nprint('hello')\n", hc.text());

    CommandLine two = ((RunInstruction) all.stages().get(0).commands().get(1)).command();
    assertEquals(2, two.files().size());
    assertEquals("<<A cat > /a && <<B cat > /b\nfirst\nA\nsecond\nB", two.heredocCommand().text());
  }

  @Test
  void crlfBomAndContinuationsInOddPlaces() {
    String df =
        "\uFEFFFROM alpine:3.20\r\n"
            + "RUN echo a \\\r\n"
            + "\r\n"
            + "  # comment between continuation lines\r\n"
            + "    && echo b \\  \r\n"
            + "    && echo c\r\n"
            + "LABEL a=1 \\\n"
            + "      b=\"two words\" \\\n"
            + "      c=3\n"
            + "ENV PATH=/usr/local/bin:$PATH\n";
    ParsedDockerfile parsed = DockerfileParser.parse(df);
    Node run = parsed.instructions().get(1);
    assertEquals("echo a     && echo b     && echo c", run.args().get(0));
    assertEquals(2, run.range().startLine());
    assertEquals(6, run.range().endLine());
    assertEquals(1, parsed.warnings().size(), "empty continuation line is a warning");
    assertEquals(
        List.of("a", "1", "=", "b", "\"two words\"", "=", "c", "3", "="),
        parsed.instructions().get(2).args());
  }
}
