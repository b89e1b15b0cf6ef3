package dev.kiln.bench.app;

/** Prints a greeting: the whole application, so that the image, not the code, is measured. */
public final class App {
  /** bench/run.sh's edit phase rewrites this marker, so that the class changes. */
  static final String RELEASE = "bench-edit-0";

  private App() {}

  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : "world";
    System.out.println("hello, " + name + " (" + RELEASE + ")");
  }
}
