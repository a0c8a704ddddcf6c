/*
 * atm-rig keypad + 4x20 LCD board, KPL/1 protocol (docs/devices/keypad-lcd.md).
 *
 * Hardware: an Arduino Uno (or Nano), a 20x4 HD44780 character LCD in 4-bit mode, a 4x4 matrix keypad.
 * Only the Arduino core is used (the HD44780 is driven directly below), so it builds with any AVR toolchain:
 *   arduino-cli compile --fqbn arduino:avr:uno firmware/keypad-lcd   (or the Arduino IDE, or arduino-builder)
 *
 *   LCD   RS=12 E=11 D4=5 D5=4 D6=3 D7=2 (RW to GND, contrast pot on V0)
 *   Keypad rows R1..R4 = 6,7,8,9 (outputs), columns C1..C4 = A0,A1,A2,A3 (inputs with pull-ups)
 *
 *   Key map:  1 2 3 A        '*' = CANCEL, '#' = ENTER, 'D' = CLEAR;
 *             4 5 6 B        A, B and C are the letters of the extended keypad.
 *             7 8 9 C
 *             * 0 # D
 *
 * Serial: 9600 baud 8N1, lines end with LF.
 *   host -> board: "?"  "L <row> <text>"  "C"  "B <0|1>"
 *   board -> host: "READY KPL/1 20x4"  "K <key>"  "OK"  "ERR <why>"
 */
#include <Arduino.h>

static const uint8_t LCD_COLS = 20;
static const uint8_t LCD_ROWS = 4;
static const uint8_t BACKLIGHT_PIN = 10;

// ---- HD44780 in 4-bit mode (datasheet: initialisation by instruction, figure 24) ----
static const uint8_t LCD_RS = 12, LCD_E = 11;
static const uint8_t LCD_D[4] = {5, 4, 3, 2};  // D4..D7
static const uint8_t ROW_OFFSET[4] = {0x00, 0x40, 0x14, 0x54};  // DDRAM start of each row on a 20x4

static void lcdPulse() {
  digitalWrite(LCD_E, HIGH);
  delayMicroseconds(1);
  digitalWrite(LCD_E, LOW);
  delayMicroseconds(50);
}

static void lcdNibble(uint8_t nibble) {
  for (uint8_t i = 0; i < 4; i++) digitalWrite(LCD_D[i], (nibble >> i) & 1);
  lcdPulse();
}

static void lcdSend(uint8_t value, bool data) {
  digitalWrite(LCD_RS, data ? HIGH : LOW);
  lcdNibble(value >> 4);
  lcdNibble(value & 0x0f);
}

static void lcdCommand(uint8_t cmd) {
  lcdSend(cmd, false);
  if (cmd <= 0x03) delay(2);  // clear and home take longer
}

static void lcdInit() {
  pinMode(LCD_RS, OUTPUT);
  pinMode(LCD_E, OUTPUT);
  for (uint8_t i = 0; i < 4; i++) pinMode(LCD_D[i], OUTPUT);
  delay(50);
  digitalWrite(LCD_RS, LOW);
  lcdNibble(0x03); delay(5);
  lcdNibble(0x03); delayMicroseconds(150);
  lcdNibble(0x03);
  lcdNibble(0x02);       // 4-bit interface
  lcdCommand(0x28);      // 2 logical lines (a 20x4 is wired as two), 5x8 dots
  lcdCommand(0x0c);      // display on, no cursor, no blink
  lcdCommand(0x06);      // move right, no shift
  lcdCommand(0x01);      // clear
}

struct Lcd {
  void clear() { lcdCommand(0x01); }
  void setCursor(uint8_t col, uint8_t row) { lcdCommand(0x80 | (ROW_OFFSET[row] + col)); }
  void write(char c) { lcdSend((uint8_t)c, true); }
} lcd;

static const uint8_t ROW_PINS[4] = {6, 7, 8, 9};
static const uint8_t COL_PINS[4] = {A0, A1, A2, A3};
static const char *const KEYS[4][4] = {
  {"1", "2", "3", "A"},
  {"4", "5", "6", "B"},
  {"7", "8", "9", "C"},
  {"CANCEL", "0", "ENTER", "CLEAR"},
};

static const unsigned long DEBOUNCE_MS = 30;
static int8_t lastKey = -1;          // row * 4 + col of the key held down, or -1
static unsigned long lastChange = 0;

static char line[64];
static uint8_t lineLength = 0;

static void banner() {
  Serial.print(F("READY KPL/1 20x4\n"));
}

static void showRow(uint8_t row, const char *text) {
  lcd.setCursor(0, row);
  uint8_t n = 0;
  for (; text[n] != '\0' && n < LCD_COLS; n++) {
    char c = text[n];
    lcd.write((c >= 0x20 && c <= 0x7e) ? c : '?');
  }
  for (; n < LCD_COLS; n++) lcd.write(' ');
}

static void handleLine(const char *cmd) {
  if (strcmp(cmd, "?") == 0) {
    banner();
  } else if (strcmp(cmd, "C") == 0) {
    lcd.clear();
    Serial.print(F("OK\n"));
  } else if (cmd[0] == 'L' && cmd[1] == ' ' && cmd[2] >= '0' && cmd[2] < '0' + LCD_ROWS && (cmd[3] == ' ' || cmd[3] == '\0')) {
    showRow(cmd[2] - '0', cmd[3] == ' ' ? cmd + 4 : "");
    Serial.print(F("OK\n"));
  } else if (cmd[0] == 'B' && cmd[1] == ' ' && (cmd[2] == '0' || cmd[2] == '1') && cmd[3] == '\0') {
    digitalWrite(BACKLIGHT_PIN, cmd[2] == '1' ? HIGH : LOW);
    Serial.print(F("OK\n"));
  } else {
    Serial.print(F("ERR unknown command\n"));
  }
}

static void readSerial() {
  while (Serial.available() > 0) {
    char c = (char)Serial.read();
    if (c == '\r') continue;
    if (c == '\n') {
      line[lineLength] = '\0';
      if (lineLength > 0) handleLine(line);
      lineLength = 0;
    } else if (lineLength < sizeof(line) - 1) {
      line[lineLength++] = c;
    } else {
      lineLength = 0;  // too long to be a command: drop it
      Serial.print(F("ERR line too long\n"));
    }
  }
}

static int8_t scanKeypad() {
  for (uint8_t r = 0; r < 4; r++) {
    digitalWrite(ROW_PINS[r], LOW);
    for (uint8_t c = 0; c < 4; c++) {
      if (digitalRead(COL_PINS[c]) == LOW) {
        digitalWrite(ROW_PINS[r], HIGH);
        return (int8_t)(r * 4 + c);
      }
    }
    digitalWrite(ROW_PINS[r], HIGH);
  }
  return -1;
}

static void readKeypad() {
  int8_t key = scanKeypad();
  unsigned long now = millis();
  if (key == lastKey || now - lastChange < DEBOUNCE_MS) return;
  lastChange = now;
  lastKey = key;
  if (key >= 0) {  // report presses, not releases
    Serial.print(F("K "));
    Serial.print(KEYS[key / 4][key % 4]);
    Serial.print('\n');
  }
}

void setup() {
  Serial.begin(9600);
  pinMode(BACKLIGHT_PIN, OUTPUT);
  digitalWrite(BACKLIGHT_PIN, HIGH);
  for (uint8_t r = 0; r < 4; r++) {
    pinMode(ROW_PINS[r], OUTPUT);
    digitalWrite(ROW_PINS[r], HIGH);
  }
  for (uint8_t c = 0; c < 4; c++) pinMode(COL_PINS[c], INPUT_PULLUP);
  lcdInit();
  showRow(0, "atm-rig KPL/1");
  showRow(1, "waiting for host");
  banner();
}

void loop() {
  readSerial();
  readKeypad();
}
