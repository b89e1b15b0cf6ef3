package dev.kiln.bench.jmh;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import org.openjdk.jmh.annotations.Benchmark;

/** SHA-256 of the benchmark tar: the JDK's digest as kiln uses it, and coreutils' sha256sum. */
public class Sha256Benchmark {

  @Benchmark
  public byte[] kilnSha256(BenchFiles files) throws IOException {
    MessageDigest sha = Digest.newSha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(files.tar())) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return sha.digest();
  }

  @Benchmark
  public int toolSha256sum(BenchFiles files) throws Exception {
    return ToolCommand.run("sha256sum \"$1\"", files.tar());
  }
}
