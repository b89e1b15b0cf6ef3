#include <stdio.h>

#include "greeting.h"

/* bench/run.sh's edit phase rewrites the marker below, so that the binary changes. */
static const char release[] = "bench-edit-0";

void greeting(const char *name, char *buf, unsigned long size) {
  snprintf(buf, size, "hello, %s (%s)", name, release);
}
