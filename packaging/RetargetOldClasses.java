import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.constant.ClassDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Rewrites the class files under a directory (an unpacked jar) whose class-file version is older
 * than Java 6 (major 50) as Java 8 class files, with the stack maps such files carry. The JVM
 * keeps classes that old out of its class-data archives and AOT cache (they are verified by the
 * old type-inferring verifier when loaded), and picocli's are version 49: without this every
 * kiln run parses and verifies about 175 of them again. Only the version and the stack maps
 * change; the bytecode stays as it is. Needs Java 24 or later (java.lang.classfile).
 *
 * <p>Usage: {@code java RetargetOldClasses.java DIR} (single-file source launch).
 */
public final class RetargetOldClasses {
  private static final int JAVA_6 = 50;
  private static final int JAVA_8 = 52;

  private RetargetOldClasses() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: java RetargetOldClasses.java DIR (an unpacked jar)");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    // Stack maps name the common supertype where branches meet, so the rewriter must see the
    // jar's own classes as well as the JDK's.
    ClassHierarchyResolver inJar =
        ClassHierarchyResolver.ofResourceParsing(desc -> open(root, desc));
    ClassFile classFile =
        ClassFile.of(
            ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
            ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver().orElse(inJar)));
    ClassTransform newVersion =
        (builder, element) -> {
          if (element instanceof ClassFileVersion) {
            builder.withVersion(JAVA_8, 0);
          } else {
            builder.with(element);
          }
        };
    // Rebuilding every method body, with stack maps always generated, gives each its stack map.
    ClassTransform retarget =
        newVersion.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
    List<Path> classes;
    try (Stream<Path> files = Files.walk(root)) {
      classes = files.filter(f -> f.toString().endsWith(".class")).toList();
    }
    int rewritten = 0;
    int kept = 0;
    for (Path file : classes) {
      ClassModel model = classFile.parse(Files.readAllBytes(file));
      if (model.majorVersion() >= JAVA_6) {
        continue;
      }
      byte[] bytes;
      try {
        bytes = classFile.transformClass(model, retarget);
      } catch (IllegalArgumentException e) {
        // A class whose code names a class the jar leaves out (commons-logging's log4j bridge):
        // it cannot get stack maps, and stays as it was, loaded the old way if ever.
        kept++;
        continue;
      }
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(temp, bytes);
      Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      rewritten++;
    }
    System.err.println(
        "RetargetOldClasses: "
            + rewritten
            + " class files rewritten as Java 8, "
            + kept
            + " left as they were (they name classes missing here)");
  }

  private static InputStream open(Path root, ClassDesc desc) {
    String descriptor = desc.descriptorString();
    Path file = root.resolve(descriptor.substring(1, descriptor.length() - 1) + ".class");
    try {
      return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
