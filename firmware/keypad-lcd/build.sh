#!/usr/bin/env bash
# Builds keypad-lcd.ino for an Arduino Uno (ATmega328P, 16 MHz) the way the Arduino toolchain does underneath:
# avr-g++ over the sketch and the Arduino AVR core (with the IDE's flags, -fpermissive included), linked, then
# converted to Intel HEX for avrdude.
# Needs Debian's gcc-avr, avr-libc and arduino-core-avr (scripts/system-deps.sh installs them with --firmware).
# Flash with: avrdude -p m328p -c arduino -P /dev/ttyACM0 -b 115200 -U flash:w:build/keypad-lcd.hex
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
core="${ARDUINO_AVR:-/usr/share/arduino/hardware/arduino/avr}"
out="${1:-$here/build}"
mkdir -p "$out"
# DECIMAL_DIG: Debian's core (WString.cpp) expects it; its avr-libc lacks it. 9 digits: double is float on AVR.
flags=(-mmcu=atmega328p -DDECIMAL_DIG=9 -DF_CPU=16000000L -DARDUINO=10819 -DARDUINO_AVR_UNO -DARDUINO_ARCH_AVR -Os -ffunction-sections -fdata-sections -I"$core/cores/arduino" -I"$core/variants/standard")
objs=()
for src in "$core"/cores/arduino/*.c "$core"/cores/arduino/*.cpp "$core"/cores/arduino/*.S; do
  [ -e "$src" ] || continue
  obj="$out/core-$(basename "$src").o"
  case "$src" in
    *.c) avr-gcc -std=gnu11 "${flags[@]}" -c "$src" -o "$obj" ;;
    *.S) avr-gcc -x assembler-with-cpp "${flags[@]}" -c "$src" -o "$obj" ;;
    *) avr-g++ -std=gnu++11 -fpermissive -fno-exceptions -fno-threadsafe-statics "${flags[@]}" -c "$src" -o "$obj" ;;
  esac
  objs+=("$obj")
done
avr-g++ -std=gnu++11 -fno-exceptions -fno-threadsafe-statics -Wall -Wextra "${flags[@]}" -x c++ -c "$here/keypad-lcd.ino" -o "$out/keypad-lcd.o"
avr-gcc -mmcu=atmega328p -Os -Wl,--gc-sections -o "$out/keypad-lcd.elf" "$out/keypad-lcd.o" "${objs[@]}" -lm
avr-objcopy -O ihex -R .eeprom "$out/keypad-lcd.elf" "$out/keypad-lcd.hex"
avr-size "$out/keypad-lcd.elf" | tail -n 1 | awk '{ printf "keypad-lcd.hex: %d bytes of flash, %d bytes of RAM\n", $1 + $2, $2 + $3 }'
