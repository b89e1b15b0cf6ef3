package dev.kiln.bench.jmh;

import dev.kiln.core.layer.DirectoryEntries;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.registry.model.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Writing an uncompressed layer from a directory (walk, headers, content, the diffID) and reading
 * one back (every entry, every byte), next to GNU tar doing the same.
 */
public class TarBenchmark {

  /** Walks the tree and streams it as a tar with {@link Compression#NONE}, digests included. */
  @Benchmark
  public WrittenLayer kilnTarWrite(BenchFiles files) throws IOException {
    List<LayerEntry> entries = DirectoryEntries.read(files.data(), "", false);
    LayerOptions options = LayerOptions.defaults().withCompression(Compression.NONE);
    return LayerWriter.writeTo(OutputStream.nullOutputStream(), entries, options);
  }

  /**
   * GNU tar creating the same archive. Piped through cat: with its output going straight to
   * /dev/null GNU tar notices and skips reading file contents.
   */
  @Benchmark
  public int toolTarWrite(BenchFiles files) throws Exception {
    return ToolCommand.run("tar -C \"$1\" -cf - . | cat > /dev/null", files.data());
  }

  /** GNU tar plus sha256sum over its output: the same work kilnTarWrite does (it hashes). */
  @Benchmark
  public int toolTarWriteSha256(BenchFiles files) throws Exception {
    return ToolCommand.run("tar -C \"$1\" -cf - . | sha256sum > /dev/null", files.data());
  }

  /** Reads every entry of the tar and drains every regular file's content. */
  @Benchmark
  public long kilnTarRead(BenchFiles files) throws IOException {
    long bytes = 0;
    try (LayerReader reader = LayerReader.open(Files.newInputStream(files.tar()))) {
      for (Optional<LayerEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
        try (InputStream in = e.get().content().open()) {
          bytes += in.transferTo(OutputStream.nullOutputStream());
        }
      }
    }
    return bytes;
  }

  /** GNU tar extracting every file to standard output (thrown away). */
  @Benchmark
  public int toolTarRead(BenchFiles files) throws Exception {
    return ToolCommand.run("tar -xOf \"$1\" | cat > /dev/null", files.tar());
  }
}
