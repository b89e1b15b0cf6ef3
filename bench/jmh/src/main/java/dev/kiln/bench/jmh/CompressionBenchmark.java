package dev.kiln.bench.jmh;

import dev.kiln.core.layer.DirectoryEntries;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.registry.model.Compression;
import java.io.IOException;
import java.io.OutputStream;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * A compressed layer from the benchmark tree, as kiln writes it for a COPY (walk, tar, compression,
 * both digests), next to gzip and zstd compressing the same tree's tar.
 *
 * <p>{@code LayerOptions.defaults()} compresses gzip on every core (the bytes do not depend on the
 * thread count); the one-thread variant shows what that buys.
 */
public class CompressionBenchmark {

  @Benchmark
  public WrittenLayer kilnGzipParallel(BenchFiles files) throws IOException {
    return LayerWriter.writeTo(
        OutputStream.nullOutputStream(),
        DirectoryEntries.read(files.data(), "", false),
        LayerOptions.defaults());
  }

  @Benchmark
  public WrittenLayer kilnGzip1Thread(BenchFiles files) throws IOException {
    return LayerWriter.writeTo(
        OutputStream.nullOutputStream(),
        DirectoryEntries.read(files.data(), "", false),
        LayerOptions.defaults().withThreads(1));
  }

  @Benchmark
  public WrittenLayer kilnZstd(BenchFiles files) throws IOException {
    return LayerWriter.writeTo(
        OutputStream.nullOutputStream(),
        DirectoryEntries.read(files.data(), "", false),
        LayerOptions.defaults().withCompression(Compression.ZSTD));
  }

  /** gzip -6 (GNU gzip's default level, kiln's too) over the tar: the single-core limit. */
  @Benchmark
  public int toolGzip6(BenchFiles files) throws Exception {
    return ToolCommand.run("gzip -6 -c \"$1\" > /dev/null", files.tar());
  }

  /** tar piped into gzip -6: the same work as kiln's gzip layer, minus the digests. */
  @Benchmark
  public int toolTarGzip6(BenchFiles files) throws Exception {
    return ToolCommand.run("tar -C \"$1\" -cf - . | gzip -6 > /dev/null", files.data());
  }

  @Benchmark
  public int toolZstd3(BenchFiles files) throws Exception {
    return ToolCommand.run("zstd -q -3 -c \"$1\" > /dev/null", files.tar());
  }
}
