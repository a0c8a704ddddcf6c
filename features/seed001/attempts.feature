@seed001 @attempts
Feature: Three attempts per tier, then the session ends (seed001)

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled

  @serial
  Scenario Outline: Three failures at the <tier> step end the session
    When Alice starts a session
    And Alice passes the steps before <tier>
    And Alice fails the <tier> step 3 times
    Then the LCD shows "Too many attempts"
    And the session ends with reason "lockout"
    And no cash is dispensed
    And the ATM is idle

    Examples:
      | tier        |
      | fingerprint |
      | otp         |

    @xfs4iot
    Examples: also against the reference XFS4IoT application
      | tier |
      | pin  |

  Scenario: Two failures leave one attempt, and the third try can still pass
    When Alice starts a session
    And Alice fails the fingerprint step 2 times
    Then the fingerprint step has 1 attempt left
    And the session waits at the fingerprint step
    When Alice places the requested finger
    Then the ATM asks for her PIN
