package dev.kiln.gradle;

import java.io.IOException;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs one kiln job (see {@link KilnSettings}) on kiln's engine and returns its result: {@code
 * digest}, {@code references}, or {@code error} (the text to report) and {@code errorKind}.
 * Progress goes to {@code log} as (level, line), the level one of Gradle's log level names in lower
 * case.
 */
interface JobRunner {
  Map<String, String> run(Map<String, String> job, BiConsumer<String, String> log)
      throws IOException;
}
