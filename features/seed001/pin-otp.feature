@seed001 @table-II
Feature: PIN and OTP (Table II of the random-finger design)
  After the finger, the 4-digit PIN; after the PIN, a one-time code sent by SMS to the phone linked to the account.

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice starts a session
    And Alice places the requested finger

  Scenario: A wrong PIN (1965 instead of 1991) is "Incorrect PIN"
    When Alice enters the PIN "1965"
    Then the LCD shows "Incorrect PIN"
    And the pin step has 2 attempts left

  Scenario: The right PIN (1991) passes, and an OTP is sent to her phone
    When Alice enters the PIN "1991"
    Then the ATM asks for the OTP
    And Alice receives 1 SMS

  Scenario: A wrong OTP is "Wrong OTP"
    When Alice enters her PIN
    And Alice enters a wrong OTP
    Then the LCD shows "Wrong OTP"
    And the otp step has 2 attempts left
    And no cash is dispensed

  @xfs4iot
  Scenario: The right OTP passes to the transaction menu
    When Alice enters her PIN
    And Alice enters the OTP from her phone
    Then the transaction menu is shown

  Scenario: CLEAR wipes a half-typed PIN
    When Alice types "19"
    And Alice presses CLEAR
    And Alice enters her PIN
    Then the ATM asks for the OTP
