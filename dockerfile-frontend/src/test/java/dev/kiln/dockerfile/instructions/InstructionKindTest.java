package dev.kiln.dockerfile.instructions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.dockerfile.parser.DockerfileParser;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every instruction says which kind it is, and the kinds cover every instruction. */
class InstructionKindTest {
  @Test
  void eachInstructionsKindIsItsKeyword() {
    String dockerfile =
        String.join(
            "\n",
            "FROM busybox AS base",
            "ARG A=1",
            "ENV E=1",
            "LABEL l=1",
            "MAINTAINER me",
            "EXPOSE 80",
            "VOLUME /v",
            "USER nobody",
            "WORKDIR /w",
            "SHELL [\"/bin/sh\", \"-c\"]",
            "STOPSIGNAL SIGTERM",
            "HEALTHCHECK NONE",
            "ONBUILD RUN true",
            "RUN true",
            "COPY a /a",
            "ADD b /b",
            "ENTRYPOINT [\"/bin/sh\"]",
            "CMD [\"true\"]",
            "");
    DockerfileInstructions all =
        DockerfileInstructions.from(
            DockerfileParser.parse(dockerfile.getBytes(StandardCharsets.UTF_8)));
    Set<InstructionKind> seen = EnumSet.noneOf(InstructionKind.class);
    Instruction from = all.stages().get(0).from();
    assertEquals(from.name(), from.kind().name());
    seen.add(from.kind());
    for (Instruction i : all.stages().get(0).commands()) {
      assertEquals(i.name(), i.kind().name(), i.original());
      seen.add(i.kind());
    }
    assertEquals(EnumSet.allOf(InstructionKind.class), seen);
  }
}
