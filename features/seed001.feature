@seed001
Feature: Cardless withdrawal with a random finger, a PIN and an SMS OTP (seed001)
  The ATM asks for one of the ten enrolled fingers, chosen at random. Only that finger passes, even among the
  owner's own fingers. Then the 4-digit PIN, then a one-time code sent by SMS to the phone linked to the account.
  Only when all three pass may the customer withdraw.

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled

  Scenario: Every tier passes and the customer withdraws cash
    When Alice starts a session
    Then the ATM asks for one finger between 1 and 10
    When Alice places the requested finger
    Then the ATM asks for her PIN
    When Alice enters her PIN
    Then the ATM asks for the OTP
    When Alice enters the OTP from her phone
    Then the transaction menu is shown
    When Alice withdraws 200
    Then the LCD shows "Take your cash"
    And the dispenser pays out 200 in notes
    And Alice's balance is 4800.00
    When Alice takes the cash and finishes
    Then the session ends with reason "completed"

  Scenario: The owner's own finger is refused when it is not the one requested
    When Alice starts a session
    And Alice places another of her own fingers
    Then the LCD shows "Wrong finger"
    And the fingerprint tier has 2 attempts left
    And no cash is dispensed

  Scenario: A wrong PIN is refused (1965 instead of 1991)
    When Alice starts a session
    And Alice places the requested finger
    And Alice enters the PIN "1965"
    Then the LCD shows "Incorrect PIN"
    And the pin tier has 2 attempts left
    When Alice enters her PIN
    Then the ATM asks for the OTP

  Scenario: A wrong OTP is refused
    When Alice starts a session
    And Alice places the requested finger
    And Alice enters her PIN
    And Alice enters the OTP "000000" instead of the one on her phone
    Then the LCD shows "Wrong OTP"
    And the otp tier has 2 attempts left
    And no cash is dispensed
    And Alice's balance is 5000.00
