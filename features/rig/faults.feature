@seed001 @faults
Feature: The rig survives the faults of a real installation
  Devices drop off the bus and come back; the broker restarts; the session carries on where it was.

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled

  Scenario: A device that loses its connection shows offline, then reconnects by itself
    When the keypad is disconnected
    Then the keypad shows offline
    And the keypad comes back online

  Scenario: The broker restarts in the middle of a session, and the session carries on
    When Alice gets to the "pin" screen
    And the broker restarts
    Then the keypad comes back online
    When Alice enters her PIN
    Then the ATM asks for the OTP

  Scenario: The bank is down, then back: the next session works
    When the bank goes down
    And Alice gets to the "fingerprint" screen
    And Alice places the requested finger
    Then the session ends with reason "service-unavailable"
    When the bank comes back
    And Alice authenticates
    Then the transaction menu is shown
