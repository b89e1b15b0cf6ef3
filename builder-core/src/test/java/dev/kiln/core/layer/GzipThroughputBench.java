package dev.kiln.core.layer;

import dev.kiln.registry.model.Compression;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Not a test: measures layer writing throughput for one large file, to compare with {@code gzip -6}
 * on the same bytes. Run from the repository root after {@code mvn -pl builder-core -am
 * test-compile}, with the test classpath:
 *
 * <pre>
 * java -cp "$CP" dev.kiln.core.layer.GzipThroughputBench FILE [threads...]
 * </pre>
 */
public final class GzipThroughputBench {
  private GzipThroughputBench() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long size = Files.size(file);
    List<LayerEntry> entries =
        List.of(LayerEntry.regularFile("data", 0644, 0, 0, 0, size, ContentSource.ofFile(file)));
    for (int i = 1; i < args.length; i++) {
      String[] spec = args[i].split(":");
      Compression compression = Compression.valueOf(spec[0]);
      int threads = Integer.parseInt(spec[1]);
      LayerOptions options =
          LayerOptions.defaults().withCompression(compression).withThreads(threads);
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long start = System.nanoTime();
      WrittenLayer layer = LayerWriter.writeTo(OutputStream.nullOutputStream(), entries, options);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      System.out.printf(
          "%s threads=%d: %d -> %d bytes; %.1f s wall = %.1f MB/s; %.1f s CPU = %.1f MB/s per"
              + " CPU-second%n",
          compression,
          threads,
          layer.uncompressedSize(),
          layer.size(),
          seconds,
          size / seconds / 1e6,
          cpu,
          size / cpu / 1e6);
    }
  }
}
