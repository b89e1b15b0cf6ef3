package dev.kiln.core.sandbox;

import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The interpreters the kernel's binfmt_misc hands foreign ELF binaries to, as registered in {@code
 * /proc/sys/fs/binfmt_misc} (Debian's qemu-user-static registers one per architecture). Entries are
 * matched by the ELF header they claim (class, byte order, machine), not by their name, so any
 * registration tool's entries count.
 *
 * @param mounted whether binfmt_misc is mounted (its {@code status} file exists)
 * @param enabled whether binfmt_misc as a whole is enabled
 * @param interpreters the enabled entries that match ELF binaries
 */
public record BinfmtRegistry(boolean mounted, boolean enabled, List<Interpreter> interpreters) {
  /** Where the kernel shows binfmt_misc. */
  public static final Path PROC = Path.of("/proc/sys/fs/binfmt_misc");

  /** The command that mounts binfmt_misc, for messages. */
  public static final String MOUNT_COMMAND =
      "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc";

  public BinfmtRegistry {
    interpreters = List.copyOf(interpreters);
  }

  /**
   * One registered interpreter.
   *
   * @param name the entry's name ({@code qemu-aarch64})
   * @param path the interpreter program
   * @param flags the registration flags; {@code F} (fix-binary) means the kernel opened the
   *     interpreter when it was registered, so it runs inside any root filesystem
   * @param elfClass 1 for 32-bit, 2 for 64-bit ELF
   * @param littleEndian the ELF byte order
   * @param machine the ELF {@code e_machine} it runs
   */
  public record Interpreter(
      String name, String path, String flags, int elfClass, boolean littleEndian, int machine) {
    public boolean fixBinary() {
      return flags.contains("F");
    }
  }

  /** Reads the registrations under {@code dir}; a directory that does not exist is not mounted. */
  public static BinfmtRegistry read(Path dir) throws IOException {
    Path status = dir.resolve("status");
    if (!Files.isRegularFile(status)) {
      return new BinfmtRegistry(false, false, List.of());
    }
    boolean enabled = Files.readString(status, StandardCharsets.US_ASCII).trim().equals("enabled");
    List<Interpreter> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.equals("status") || name.equals("register") || !Files.isRegularFile(entry)) {
          continue;
        }
        parse(name, Files.readAllLines(entry, StandardCharsets.UTF_8)).ifPresent(found::add);
      }
    }
    found.sort(java.util.Comparator.comparing(Interpreter::name));
    return new BinfmtRegistry(true, enabled, found);
  }

  /** An entry's text as the kernel prints it; empty when disabled or not an ELF magic entry. */
  static Optional<Interpreter> parse(String name, List<String> lines) {
    boolean enabled = false;
    String interpreter = null;
    String flags = "";
    String magic = null;
    int offset = 0;
    for (String line : lines) {
      if (line.equals("enabled")) {
        enabled = true;
      } else if (line.startsWith("interpreter ")) {
        interpreter = line.substring("interpreter ".length()).trim();
      } else if (line.startsWith("flags:")) {
        flags = line.substring("flags:".length()).trim();
      } else if (line.startsWith("offset ")) {
        offset = Integer.parseInt(line.substring("offset ".length()).trim());
      } else if (line.startsWith("magic ")) {
        magic = line.substring("magic ".length()).trim().toLowerCase(Locale.ROOT);
      }
    }
    // An ELF header: 7f 'E' 'L' 'F', class, data, ..., e_machine at bytes 18 and 19.
    if (!enabled || interpreter == null || magic == null || offset != 0 || magic.length() < 40) {
      return Optional.empty();
    }
    byte[] header = HexFormat.of().parseHex(magic.substring(0, 40));
    if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F') {
      return Optional.empty();
    }
    boolean little = header[5] == 1;
    int lo = header[18] & 0xff;
    int hi = header[19] & 0xff;
    int machine = little ? lo | hi << 8 : lo << 8 | hi;
    return Optional.of(new Interpreter(name, interpreter, flags, header[4], little, machine));
  }

  /** The interpreter for {@code platform}'s binaries, if one is registered. */
  public Optional<Interpreter> forPlatform(Platform platform) {
    Optional<ElfMachine> wanted = ElfMachine.of(platform);
    if (wanted.isEmpty() || !enabled) {
      return Optional.empty();
    }
    ElfMachine m = wanted.get();
    return interpreters.stream()
        .filter(
            i ->
                i.elfClass() == m.elfClass()
                    && i.littleEndian() == m.littleEndian()
                    && i.machine() == m.machine())
        .findFirst();
  }

  /** The ELF header fields of an OCI architecture's Linux binaries. */
  record ElfMachine(int elfClass, boolean littleEndian, int machine, String qemuName) {
    static Optional<ElfMachine> of(Platform platform) {
      return Optional.ofNullable(
          switch (platform.architecture()) {
            case "amd64" -> new ElfMachine(2, true, 62, "x86_64");
            case "386" -> new ElfMachine(1, true, 3, "i386");
            case "arm64" -> new ElfMachine(2, true, 183, "aarch64");
            case "arm" -> new ElfMachine(1, true, 40, "arm");
            case "ppc64le" -> new ElfMachine(2, true, 21, "ppc64le");
            case "s390x" -> new ElfMachine(2, false, 22, "s390x");
            case "riscv64" -> new ElfMachine(2, true, 243, "riscv64");
            case "mips64le" -> new ElfMachine(2, true, 8, "mips64el");
            default -> null;
          });
    }
  }
}
