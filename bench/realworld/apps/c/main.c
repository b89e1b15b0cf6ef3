#include <stdio.h>

#include "greeting.h"

int main(int argc, char **argv) {
  char text[128];
  greeting(argc > 1 ? argv[1] : "world", text, sizeof text);
  puts(text);
  return 0;
}
