@seed001
Feature: Cardless withdrawal with a random finger, a PIN and an SMS OTP (seed001)
  The ATM asks for one of the ten enrolled fingers, chosen at random. Only that finger passes, even among the
  owner's own fingers. Then the 4-digit PIN, then a one-time code sent by SMS to the phone linked to the account.
  Only when all three pass may the customer withdraw.

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled

  @serial @broker @smoke
  Scenario: Every tier passes and the customer withdraws cash
    Then the LCD shows:
      """
      Welcome

      Press ENTER to start
      """
    When Alice starts a session
    Then the ATM asks for one finger between 1 and 10
    When Alice places the requested finger
    Then the ATM asks for her PIN
    When Alice enters her PIN
    Then the ATM asks for the OTP
    And Alice receives 1 SMS
    When Alice enters the OTP from her phone
    Then the transaction menu is shown
    When Alice withdraws 200
    Then the dispenser pays out 200 as:
      | note   | count |
      | 100.00 | 2     |
    And the LCD shows "Take your cash"
    And the receipt says "WITHDRAWAL ZMW 200.00"
    And Alice's balance is 4800.00
    When Alice takes the cash
    And Alice finishes
    Then the session ends with reason "completed"
    And the ATM is idle
