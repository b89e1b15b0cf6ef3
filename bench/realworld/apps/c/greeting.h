#ifndef GREETING_H
#define GREETING_H

/* The text the program prints for NAME, in BUF of SIZE bytes. */
void greeting(const char *name, char *buf, unsigned long size);

#endif
