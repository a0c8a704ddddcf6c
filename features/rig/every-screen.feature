@seed001 @seed002 @every-screen
Feature: Every waiting screen times out, cancels and clears; every bank call survives an outage
  A customer may walk away, press CANCEL or make a typo anywhere, and the bank may be down at any moment.
  The ATM must end the session cleanly, or let her correct herself, at every one of those points.

  Scenario Outline: <profile>: walking away at the <screen> screen ends the session (<reason>)
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "<screen>" screen
    And Alice walks away
    Then the session ends with reason "<reason>"
    And no cash is dispensed

    Examples:
      | profile | screen           | reason    |
      | seed001 | fingerprint      | timeout   |
      | seed001 | pin              | timeout   |
      | seed001 | otp              | timeout   |
      | seed001 | menu             | timeout   |
      | seed001 | amount           | timeout   |
      | seed001 | transfer account | timeout   |
      | seed001 | transfer amount  | timeout   |
      | seed001 | current secret   | timeout   |
      | seed001 | new secret       | timeout   |
      | seed001 | confirm secret   | timeout   |
      | seed001 | result           | completed |
      | seed002 | password         | timeout   |
      | seed002 | fingerprint      | timeout   |
      | seed002 | otp              | timeout   |
      | seed002 | menu             | timeout   |
      | seed002 | amount           | timeout   |
      | seed002 | transfer account | timeout   |
      | seed002 | transfer amount  | timeout   |
      | seed002 | current secret   | timeout   |
      | seed002 | new secret       | timeout   |
      | seed002 | confirm secret   | timeout   |
      | seed002 | result           | completed |

  Scenario Outline: <profile>: CANCEL at the <screen> screen ends the session (<reason>)
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "<screen>" screen
    And Alice presses CANCEL
    Then the session ends with reason "<reason>"

    Examples:
      | profile | screen           | reason    |
      | seed001 | fingerprint      | cancelled |
      | seed001 | pin              | cancelled |
      | seed001 | otp              | cancelled |
      | seed001 | menu             | completed |
      | seed001 | amount           | cancelled |
      | seed001 | transfer account | cancelled |
      | seed001 | current secret   | cancelled |
      | seed001 | result           | completed |
      | seed002 | password         | cancelled |
      | seed002 | fingerprint      | cancelled |
      | seed002 | otp              | cancelled |
      | seed002 | menu             | completed |
      | seed002 | transfer amount  | cancelled |
      | seed002 | new secret       | cancelled |
      | seed002 | confirm secret   | cancelled |

  Scenario Outline: <profile>: CLEAR at the <screen> screen wipes what was typed
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "<screen>" screen
    And Alice types "1" and clears it
    Then the session goes on

    Examples:
      | profile | screen           |
      | seed001 | pin              |
      | seed001 | otp              |
      | seed001 | amount           |
      | seed001 | transfer account |
      | seed001 | transfer amount  |
      | seed001 | current secret   |
      | seed001 | new secret       |
      | seed001 | confirm secret   |
      | seed002 | password         |
      | seed002 | otp              |
      | seed002 | amount           |
      | seed002 | transfer account |
      | seed002 | transfer amount  |
      | seed002 | current secret   |
      | seed002 | new secret       |
      | seed002 | confirm secret   |

  Scenario Outline: <profile>: the bank is down when Alice <action> at the <screen> screen
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "<screen>" screen
    And the bank goes down
    And Alice <action>
    Then the LCD shows "Service unavailable"
    And the session ends with reason "service-unavailable"

    Examples:
      | profile | screen          | action                            |
      | seed001 | fingerprint     | places the requested finger       |
      | seed001 | pin             | enters her PIN                    |
      | seed001 | otp             | enters the OTP from her phone     |
      | seed001 | amount          | enters the amount "100"           |
      | seed001 | menu            | chooses "balance"                 |
      | seed001 | menu            | chooses "mini statement"          |
      | seed001 | transfer amount | enters the amount "100"           |
      | seed001 | confirm secret  | confirms the new PIN or password  |
      | seed002 | password        | enters her password               |
      | seed002 | fingerprint     | places the requested finger       |
      | seed002 | otp             | enters the OTP from her phone     |
      | seed002 | amount          | enters the amount "100"           |
      | seed002 | menu            | chooses "balance"                 |
      | seed002 | menu            | chooses "mini statement"          |
      | seed002 | transfer amount | enters the amount "100"           |
      | seed002 | confirm secret  | confirms the new PIN or password  |

  Scenario Outline: <profile>: the bank goes down while the notes are counted; the debit cannot be recorded
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "dispensing" screen
    And Alice presses CANCEL
    And the bank goes down
    And the notes are counted
    Then the session ends with reason "service-unavailable"

    Examples:
      | profile |
      | seed001 |
      | seed002 |

  Scenario Outline: <profile>: the dispenser never answers, and the bank is down when the hold is released
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    And the dispenser stops answering
    When Alice gets to the "dispensing" screen
    And the bank goes down
    And the dispenser times out
    Then the session ends with reason "service-unavailable"

    Examples:
      | profile |
      | seed001 |
      | seed002 |

  Scenario Outline: <profile>: the dispenser never answers; the hold is released
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    And the dispenser stops answering
    When Alice gets to the "dispensing" screen
    And Alice presses CANCEL
    Then the ATM shows the "dispensing" screen
    When the dispenser times out
    Then the LCD shows "Unable to dispense"
    And Alice's balance is 5000.00

    Examples:
      | profile |
      | seed001 |
      | seed002 |

  Scenario: seed002: the bank is down when the card is read
    Given an ATM running the "seed002" profile
    And the demo customers are enrolled
    When the bank goes down
    And Alice inserts her card
    Then the session ends with reason "service-unavailable"
    And the card is ejected

  @serial
  Scenario Outline: <profile>: the OTP cannot be sent when the modem has no network
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    And the GSM modem has no network
    When Alice gets to the "<before>" screen
    And Alice <action>
    Then the session ends with reason "sms-failed"
    And the LCD shows "SMS not sent"
    And Alice has received no SMS

    Examples:
      | profile | before      | action                      |
      | seed001 | pin         | enters her PIN              |
      | seed002 | fingerprint | places the requested finger |

  Scenario Outline: <profile>: the bank cannot issue the OTP: a bank outage, not an SMS failure
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    And the bank fails to issue OTPs
    When Alice gets to the "<before>" screen
    And Alice <action>
    Then the session ends with reason "service-unavailable"
    And Alice has received no SMS

    Examples:
      | profile | before      | action                      |
      | seed001 | pin         | enters her PIN              |
      | seed002 | fingerprint | places the requested finger |

  Scenario Outline: <profile>: the modem takes the OTP's SMS and never answers
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    And the GSM modem hangs
    When Alice gets to the "<before>" screen
    And Alice <action>
    Then the ATM asks its GSM modem to send the OTP
    And the ATM shows the "sending-otp" screen
    When 70 seconds pass
    Then the session ends with reason "sms-failed"
    And Alice has received no SMS

    Examples:
      | profile | before      | action                      |
      | seed001 | pin         | enters her PIN              |
      | seed002 | fingerprint | places the requested finger |
