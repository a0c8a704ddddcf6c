@two-attempts
Feature: A profile with two attempts per tier runs with the step library as it is
  The step library assumes no number of attempts: a custom profile allowing 2 per tier counts down from 2 and
  locks out on the second failure, at every tier.

  Background:
    Given an ATM running this profile:
      """
      {
        "id": "two-tries",
        "name": "Random finger, PIN and OTP, two attempts each",
        "tiers": [
          { "kind": "fingerprint", "request": "random", "match": "1:N", "maxAttempts": 2 },
          { "kind": "pin", "length": 4, "maxAttempts": 2 },
          { "kind": "otp", "length": 6, "maxAttempts": 2 }
        ]
      }
      """
    And these customers are enrolled:
      | name     | phone         | pin  | balance |
      | Thandiwe | +260971000020 | 4321 | 500.00  |

  Scenario: Two wrong fingers end the session
    When Thandiwe starts a session
    Then the fingerprint step has 2 attempts left
    When Thandiwe places another of her own fingers
    Then the LCD shows "Wrong finger"
    And the fingerprint step has 1 attempt left
    When Thandiwe places a finger nobody enrolled
    Then the LCD shows "Too many attempts"
    And the session ends with reason "lockout"

  Scenario: Two wrong PINs end the session
    When Thandiwe starts a session
    And Thandiwe passes the fingerprint step
    Then the pin step has 2 attempts left
    When Thandiwe fails the pin step 1 time
    Then the pin step has 1 attempt left
    And the session waits at the pin step
    When Thandiwe fails the pin step 1 time
    Then the session ends with reason "lockout"

  Scenario: One wrong OTP leaves one attempt, and the right one opens the menu
    When Thandiwe starts a session
    And Thandiwe passes the steps before otp
    Then the otp step has 2 attempts left
    When Thandiwe enters a wrong OTP
    Then the otp step has 1 attempt left
    When Thandiwe enters the OTP from her phone
    Then the transaction menu is shown
