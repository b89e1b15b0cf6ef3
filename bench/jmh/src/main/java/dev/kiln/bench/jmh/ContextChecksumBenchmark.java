package dev.kiln.bench.jmh;

import dev.kiln.core.checksum.DirectoryTree;
import dev.kiln.core.checksum.StatMemo;
import dev.kiln.core.checksum.TreeChecksummer;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The content checksum of a whole build context (10,000 small files by default), as the build
 * cache computes it for {@code COPY . /app}: with an empty stat memo (every file read and hashed)
 * and with a memo that already knows every file (stat only). The page cache is warm in both; the
 * tools are sha256sum over every file and a find that stats every file.
 */
public class ContextChecksumBenchmark {
  private static final PatternMatcher NOTHING_IGNORED = PatternMatcher.of(List.of());

  /** A memo filled once per trial, as a previous build would have left it. */
  @State(Scope.Benchmark)
  public static class WarmMemo {
    StatMemo memo;

    @Setup
    public void fill(BenchFiles files) throws IOException {
      memo = StatMemo.inMemory();
      new TreeChecksummer(DirectoryTree.context(files.context(), NOTHING_IGNORED, memo))
          .checksum("");
      if (memo.size() == 0) {
        throw new IllegalStateException(
            "the stat memo stayed empty: were the context files written less than 2 s ago?");
      }
    }
  }

  @Benchmark
  public Digest kilnChecksumCold(BenchFiles files) throws IOException {
    return new TreeChecksummer(
            DirectoryTree.context(files.context(), NOTHING_IGNORED, StatMemo.inMemory()))
        .checksum("");
  }

  @Benchmark
  public Digest kilnChecksumWarmMemo(BenchFiles files, WarmMemo warm) throws IOException {
    return new TreeChecksummer(DirectoryTree.context(files.context(), NOTHING_IGNORED, warm.memo))
        .checksum("");
  }

  @Benchmark
  public int toolSha256sumEachFile(BenchFiles files) throws Exception {
    return ToolCommand.run(
        "find \"$1\" -type f -print0 | xargs -0 sha256sum > /dev/null", files.context());
  }

  @Benchmark
  public int toolFindStat(BenchFiles files) throws Exception {
    return ToolCommand.run(
        "find \"$1\" -printf '%i %s %T@ %C@ %m %U %G\\n' > /dev/null", files.context());
  }
}
