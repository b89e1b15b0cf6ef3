package dev.kiln.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** Prints a greeting as JSON: the small application kiln's Gradle plugin puts in an image. */
public final class App {
  private App() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "world";
    System.out.println(new ObjectMapper().writeValueAsString(Map.of("greeting", "hello, " + name)));
  }
}
