@seed001 @seed002 @otp
Feature: One-time codes expire, are single use, and may arrive late
  A code is valid for its lifetime (120 s by default) and only once. The ATM waits for the SMS for that lifetime plus
  the usual input time. An expired code costs an attempt and a fresh code is sent.

  Scenario Outline: <profile>: a code entered after it expired is refused, and a fresh one is sent
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "otp" screen
    And Alice reads the OTP and waits 125 seconds before entering it
    Then the LCD shows "OTP expired"
    And the otp step has 2 attempts left
    And Alice receives 2 SMS
    When Alice enters the OTP from her phone
    Then the transaction menu is shown

    Examples:
      | profile |
      | seed001 |
      | seed002 |

  Scenario: A code from an earlier session does not open a new one
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice authenticates
    And Alice finishes
    And Alice gets to the "otp" screen
    And Alice enters the OTP she read earlier
    Then the LCD shows "Wrong OTP"

  Scenario: An SMS delayed past the code's lifetime brings an expired code
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    And the SMS network delays messages by 2 minutes
    When Alice gets to the "pin" screen
    And Alice enters her PIN
    Then the ATM asks for the OTP
    When 125 seconds pass
    And Alice enters the OTP from her phone
    Then the LCD shows "OTP expired"

  Scenario: A lost SMS leaves the customer waiting until the session times out
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    And the SMS network loses messages
    When Alice gets to the "otp" screen
    And 3 minutes pass
    Then Alice has received no SMS
    And the session ends with reason "timeout"

  Scenario Outline: <profile>: three wrong codes end the session
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "otp" screen
    And Alice reads the OTP on her phone
    And Alice fails the otp step 3 times
    Then the session ends with reason "lockout"

    Examples:
      | profile |
      | seed001 |
      | seed002 |
