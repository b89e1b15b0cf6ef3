package dev.kiln.cli.shell;

import java.util.Iterator;
import java.util.List;

/**
 * The values a shell offers to complete for options that take one of a few words ({@code
 * --progress}, {@code --platform}, {@code -o type=}); picocli reads them from each option's {@code
 * completionCandidates} into the bash and fish scripts.
 */
public final class OptionValues {
  private OptionValues() {}

  /** {@code --progress}. */
  public static final class Progress extends Words {
    public Progress() {
      super("auto", "tty", "plain", "rawjson", "quiet");
    }
  }

  /** {@code --platform}: the platforms images are commonly built for. */
  public static final class Platforms extends Words {
    public Platforms() {
      super(
          "linux/amd64",
          "linux/arm64",
          "linux/arm/v7",
          "linux/arm/v6",
          "linux/386",
          "linux/ppc64le",
          "linux/s390x",
          "linux/riscv64");
    }
  }

  /** {@code kiln build -o}: the output types, the rest of a spec being the user's. */
  public static final class BuildOutputs extends Words {
    public BuildOutputs() {
      super(
          "type=registry",
          "type=image",
          "type=oci,dest=",
          "type=docker,dest=",
          "type=local,dest=",
          "type=tar,dest=");
    }
  }

  /** {@code kiln build --format}: media types. */
  public static final class MediaTypes extends Words {
    public MediaTypes() {
      super("oci", "docker");
    }
  }

  /** {@code kiln save --format}: archive kinds. */
  public static final class ArchiveFormats extends Words {
    public ArchiveFormats() {
      super("docker", "oci");
    }
  }

  /** {@code kiln images --format}. */
  public static final class ListFormats extends Words {
    public ListFormats() {
      super("table", "json");
    }
  }

  /** {@code --network}. */
  public static final class Networks extends Words {
    public Networks() {
      super("default", "host", "none");
    }
  }

  /** {@code --isolation}. */
  public static final class Isolations extends Words {
    public Isolations() {
      super("auto", "oci", "chroot");
    }
  }

  /** {@code --allow}. */
  public static final class Entitlements extends Words {
    public Entitlements() {
      super("network.host", "security.insecure");
    }
  }

  /** A fixed list of words. */
  abstract static class Words implements Iterable<String> {
    private final List<String> words;

    Words(String... words) {
      this.words = List.of(words);
    }

    @Override
    public Iterator<String> iterator() {
      return words.iterator();
    }
  }
}
