package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.event.BuildEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A step that misses the cache changes the keys of every later step of its stage, so a RUN after it
 * will run: the RUN's sandbox and snapshotter (the snapshotter's test overlay mount) are chosen
 * while that step still works, not when the RUN starts. Seen through the notes announcing the
 * choice, which a store hears the first time, here in the build that follows the base's.
 */
class RunPreparationIT extends SandboxedRunTest {
  @Override
  String isolation() {
    return "chroot";
  }

  @Override
  String snapshotter() {
    return "overlay";
  }

  @Test
  void theSandboxOfALaterRunIsChosenWhileAnEarlierStepThatRanWorks() throws Exception {
    Path ctx = kiln.context(FROM + "COPY big.bin /big.bin\nRUN test -s /big.bin\n", Map.of());
    // Incompressible, so that writing the COPY's layer takes long next to the choice.
    byte[] bytes = new byte[48 << 20];
    new Random(15).nextBytes(bytes);
    Files.write(ctx.resolve("big.bin"), bytes);

    kiln.build(ctx, b -> {});

    List<BuildEvent> events = kiln.events();
    int chosen = -1;
    int copied = -1;
    for (int i = 0; i < events.size(); i++) {
      if (chosen < 0
          && events.get(i) instanceof BuildEvent.Note n
          && n.message().startsWith("RUN ")) {
        chosen = i;
      }
      if (events.get(i) instanceof BuildEvent.StepCompleted c
          && c.step().text().startsWith("COPY big.bin")) {
        copied = i;
      }
    }
    assertTrue(chosen >= 0 && copied >= 0, "a RUN note and the COPY's completion: " + events);
    assertTrue(
        chosen < copied,
        "the RUN's sandbox or snapshotter was chosen only after the COPY completed: " + events);
  }
}
