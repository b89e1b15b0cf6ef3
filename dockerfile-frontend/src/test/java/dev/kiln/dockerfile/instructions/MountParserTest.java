package dev.kiln.dockerfile.instructions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.dockerfile.parser.DockerfileException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class MountParserTest {
  private static Mount parse(String spec) {
    return MountParser.parse(spec, UnaryOperator.identity());
  }

  @Test
  void aSecretNamedBySourceKeepsItForTheIdRule() {
    Mount m = parse("type=secret,source=tok");
    assertEquals("tok", m.source());
    assertEquals("", m.cacheId());
  }

  @Test
  void aSecretWithOnlyEnvIsNotNamedAsBuildKitSays() {
    DockerfileException e =
        assertThrows(DockerfileException.class, () -> parse("type=secret,env=TOKEN"));
    assertEquals("invalid secret mount. one of source, target required", e.getMessage());
  }

  @Test
  void aSecretCannotHaveBothSourceAndId() {
    DockerfileException e =
        assertThrows(DockerfileException.class, () -> parse("type=secret,id=a,source=b"));
    assertEquals("both source and id can't be set", e.getMessage());
  }

  @Test
  void anSshMountHasNoSource() {
    DockerfileException e =
        assertThrows(DockerfileException.class, () -> parse("type=ssh,source=/x"));
    assertEquals("ssh does not support source", e.getMessage());
  }
}
