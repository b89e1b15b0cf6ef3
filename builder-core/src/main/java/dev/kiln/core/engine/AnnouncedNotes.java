package dev.kiln.core.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The notes on how builds run (which sandbox RUN uses, which snapshotter) that a store has already
 * told its user, kept in {@code kiln/announced-notes}: the same two lines on every build are noise,
 * but a changed one (a runtime installed, overlayfs gone) is news. Best effort: a store that cannot
 * record them says them again.
 */
final class AnnouncedNotes {
  /** Old lines are dropped past this many, so the file stays small whatever changes. */
  private static final int MAX_LINES = 64;

  private final Path file;
  private final boolean always;

  /**
   * @param kilnDirectory the store's bookkeeping directory
   * @param always say every note, as {@code --debug} asks
   */
  AnnouncedNotes(Path kilnDirectory, boolean always) {
    this.file = kilnDirectory.resolve("announced-notes");
    this.always = always;
  }

  /** Whether {@code note} should be said now; records it as said. */
  synchronized boolean firstTime(String note) {
    String line = note.replace('\n', ' ');
    List<String> known;
    try {
      known = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return true;
    }
    if (known.contains(line)) {
      return always;
    }
    try {
      Files.createDirectories(file.getParent());
      if (known.size() >= MAX_LINES) {
        Files.write(file, known.subList(known.size() - MAX_LINES / 2, known.size()));
      }
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // unrecorded: said again next time
    }
    return true;
  }
}
