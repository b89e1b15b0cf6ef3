package dev.kiln.core.step;

/** Splits a Linux {@code dev_t} (as {@code unix:rdev} reports it) into major and minor numbers. */
final class DeviceNumbers {
  private DeviceNumbers() {}

  static int major(long rdev) {
    return (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
  }

  static int minor(long rdev) {
    return (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
  }
}
