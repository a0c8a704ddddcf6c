@seed002
Feature: Card, password, fingerprint and 8-character OTP (seed002, the three-tier design)
  The card identifies the customer. Then a 6-character alphanumeric password, a fingerprint verified against the
  card holder, and an 8-character OTP. Three attempts per tier, then the session ends and the card is ejected.

  Background:
    Given an ATM running the "seed002" profile
    And the demo customers are enrolled

  @serial @broker @smoke @xfs4iot
  Scenario: All three tiers pass; a withdrawal; the card comes back
    When Alice inserts her card
    Then the ATM asks for her password
    When Alice enters her password
    Then the LCD shows "Place your finger"
    When Alice places finger 7
    Then the ATM asks for the OTP
    When Alice enters the OTP from her phone
    Then the transaction menu is shown
    When Alice withdraws 150
    Then the dispenser pays out 150 as:
      | note   | count |
      | 100.00 | 1     |
      | 50.00  | 1     |
    When Alice takes the cash
    Then Alice's balance is 4850.00
    When Alice finishes
    Then the card is ejected
    When Alice takes her card
    Then the session ends with reason "completed"
    And the ATM is idle

  Scenario: A wrong password, then the right one
    When Alice inserts her card
    And Alice enters the password "ABC124"
    Then the LCD shows "Wrong password"
    When Alice passes the password step
    Then the LCD shows "Place your finger"

  Scenario: Another customer's finger does not verify against Alice's card
    When Alice inserts her card
    And Alice enters her password
    And Alice places Bwalya's requested finger
    Then the LCD shows "Finger not matched"
    And the fingerprint step has 2 attempts left

  @serial
  Scenario Outline: Three failures at the <tier> step end the session and eject the card
    When Alice inserts her card
    And Alice passes the steps before <tier>
    And Alice fails the <tier> step 3 times
    Then the LCD shows "Too many attempts"
    And the card is ejected
    And the session ends with reason "lockout"

    Examples:
      | tier        |
      | password    |
      | fingerprint |
      | otp         |

  Scenario: An unknown card is handed back
    When someone inserts a card numbered "4111111111111111"
    Then the LCD shows "Card not recognised"
    And the card is ejected
    And the session ends with reason "unknown-card"

  Scenario: A card left in the slot is retained
    When Alice inserts her card
    And Alice presses CANCEL
    Then the card is ejected
    When 30 seconds pass
    Then the card is retained
    And the ATM is idle

  Scenario: Change password, with a mismatch first
    When Alice authenticates
    And Alice changes her password from "ABC123" to "NEW456", confirming "NEW457"
    Then the LCD shows "Entries do not match"
    When Alice types "NEW456"
    And Alice presses ENTER
    And Alice types "NEW456"
    And Alice presses ENTER
    Then the LCD shows "Password changed"
