#!/bin/sh
echo "hello from $(id -un), build $(cat /srv/app/build-number)"
