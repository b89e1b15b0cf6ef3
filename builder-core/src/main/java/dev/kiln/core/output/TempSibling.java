package dev.kiln.core.output;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The temp file beside a file kiln writes for the user (an archive, {@code --iidfile}, {@code
 * --metadata-file}, a layout's {@code index.json} and blobs), renamed over it once complete.
 *
 * <p>{@link Files#createTempFile} makes its file 0600 whatever the umask, and the rename keeps that
 * mode, so every output used to be readable by its owner only. This temp file is created as any new
 * file is (0666 less the umask), so the output gets the mode {@code >} or {@code touch} would give
 * it.
 */
public final class TempSibling {
  private TempSibling() {}

  /** Creates an empty file in {@code target}'s directory, named after it, and returns it. */
  public static Path create(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    for (int attempt = 0; ; attempt++) {
      String unique = UUID.randomUUID().toString().substring(0, 12);
      Path temp = dir.resolve("." + absolute.getFileName() + "." + unique + ".tmp");
      try {
        Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return temp;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }
}
