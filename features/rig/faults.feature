@seed001 @seed002 @faults
Feature: The rig survives the faults of a real installation
  Devices drop off the bus and come back; the broker restarts; the session carries on where it was.

  Scenario Outline: <profile>: a device that drops off the bus takes the ATM out of service until it is back
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When the keypad is disconnected
    Then the keypad shows offline
    And the ATM goes out of service
    And the keypad comes back online
    And the ATM is back in service

    Examples:
      | profile |
      | seed001 |
      | seed002 |

  Scenario Outline: <profile>: while out of service, a card is handed straight back
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When the dispenser is unplugged
    Then the ATM goes out of service
    And the LCD shows "Out of service"
    When someone inserts a card numbered "4000001234567899"
    Then the card is ejected
    When the dispenser is plugged back in
    Then the dispenser comes back online
    And the ATM is back in service

    Examples:
      | profile |
      | seed001 |
      | seed002 |

  Scenario: The broker restarts in the middle of a session, and the session carries on
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice gets to the "pin" screen
    And the broker restarts
    Then the keypad comes back online
    When Alice enters her PIN
    Then the ATM asks for the OTP

  Scenario: The bank is down, then back: the next session works
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When the bank goes down
    And Alice gets to the "fingerprint" screen
    And Alice places the requested finger
    Then the session ends with reason "service-unavailable"
    When the bank comes back
    And Alice authenticates
    Then the transaction menu is shown
