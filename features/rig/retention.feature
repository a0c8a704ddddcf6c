@custom-profile @attempts
Feature: Retaining the card after repeated abuse
  A bank can choose to keep the card when a tier runs out of attempts.

  Scenario: A profile that retains the card on lockout
    Given an ATM running this profile:
      """
      {
        "id": "strict-card",
        "name": "Card, PIN, OTP; cards retained on lockout",
        "tiers": [{ "kind": "card" }, { "kind": "pin" }, { "kind": "otp" }],
        "onLockout": "retain"
      }
      """
    And the demo customers are enrolled
    When Alice inserts her card
    And Alice fails the pin step 3 times
    Then the card is retained
    And the LCD shows "Card retained"
    And the session ends with reason "lockout"
