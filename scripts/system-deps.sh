#!/usr/bin/env bash
# Installs the Debian packages atm-rig's tests use, when they are missing:
#   mosquitto-clients  mosquitto_sub / mosquitto_pub, to watch and drive the rig from outside (CLI tests)
#   mosquitto          an external broker, to prove the rig's password file and ACL work in Mosquitto as they are
#   socat              pseudo-terminal pairs: serial drivers tested against emulators without hardware
#   gcc-avr, avr-libc, arduino-core-avr   to build the keypad + LCD board's firmware for an Arduino Uno
#   chromium           the browser test of the Node-RED dashboard (driven by playwright-core, which brings no browser)
# Safe to run again: it installs nothing that is already there. Needs root (or sudo) and apt-get; elsewhere it
# says what to install and exits 0, and the tests that need a missing tool say so themselves.
set -euo pipefail

declare -A need=( [mosquitto_sub]=mosquitto-clients [mosquitto_pub]=mosquitto-clients [mosquitto]=mosquitto [socat]=socat [avr-g++]=gcc-avr [avr-objcopy]=binutils-avr [chromium]=chromium )
missing=()
# Files rather than commands:
[ -f /usr/lib/avr/include/avr/io.h ] || missing+=(avr-libc)
[ -d /usr/share/arduino/hardware/arduino/avr/cores/arduino ] || missing+=(arduino-core-avr)
for bin in "${!need[@]}"; do
  # The broker lands in /usr/sbin, which a non-root PATH may lack.
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || missing+=("${need[$bin]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')

if ! command -v apt-get >/dev/null 2>&1; then
  echo "atm-rig: please install: $pkgs (no apt-get here)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "atm-rig: please install (as root): apt-get install -y $pkgs" >&2
    exit 0
  fi
fi
echo "atm-rig: installing Debian packages: $pkgs" >&2
export DEBIAN_FRONTEND=noninteractive
# An old or missing package list is the usual reason an install fails: refresh once, then install.
$sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null 2>&1 || {
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
}
