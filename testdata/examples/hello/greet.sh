#!/bin/sh
echo "$1 from a kiln build"
