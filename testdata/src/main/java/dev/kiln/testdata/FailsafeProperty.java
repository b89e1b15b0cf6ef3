package dev.kiln.testdata;

/** A system property that the failsafe configuration of a module's pom sets for its ITs. */
public final class FailsafeProperty {
  private FailsafeProperty() {}

  /** The value of {@code name}; a run outside Maven, where it is not set, fails saying so. */
  public static String of(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + name + " is not set: run the ITs through Maven (failsafe sets it)");
    }
    return value;
  }
}
