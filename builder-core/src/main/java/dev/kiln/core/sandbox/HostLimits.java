package dev.kiln.core.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * kiln's own resource limits from {@code /proc/self/limits}. A step never asks for more than these:
 * without {@code CAP_SYS_RESOURCE} (as on CI machines) the runtime would fail to raise a hard
 * limit.
 */
final class HostLimits {
  private HostLimits() {}

  /** The hard limit on open files, if it can be read and is finite. */
  static OptionalLong openFilesHardLimit() {
    try {
      return openFilesHardLimit(Files.readAllLines(Path.of("/proc/self/limits")));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  static OptionalLong openFilesHardLimit(List<String> limitsLines) {
    for (String line : limitsLines) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        if (fields.length >= 2 && fields[1].chars().allMatch(Character::isDigit)) {
          return OptionalLong.of(Long.parseLong(fields[1]));
        }
      }
    }
    return OptionalLong.empty();
  }
}
