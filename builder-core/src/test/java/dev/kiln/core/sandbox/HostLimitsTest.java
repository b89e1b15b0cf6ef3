package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HostLimitsTest {
  @Test
  void readsTheHardOpenFilesLimit() {
    List<String> limits =
        List.of(
            "Limit                     Soft Limit           Hard Limit           Units",
            "Max processes             unlimited            unlimited            processes",
            "Max open files            1024                 20000                files");
    assertEquals(OptionalLong.of(20000), HostLimits.openFilesHardLimit(limits));
  }

  @Test
  void unlimitedMeansNoLimitToPass() {
    assertEquals(
        OptionalLong.empty(),
        HostLimits.openFilesHardLimit(
            List.of("Max open files            unlimited            unlimited            files")));
  }
}
