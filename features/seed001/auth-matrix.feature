@seed001 @table-III
Feature: The authentication matrix (Table III of the random-finger design)
  A transaction is possible only when every tier passes. A failed factor stops the walk: the next factor is not
  asked for until the failed one is given right.

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled

  Scenario Outline: <finger> finger, <pin> PIN, <otp> OTP
    When Alice gives the <finger> finger, the <pin> PIN and the <otp> OTP
    Then the transaction menu <menu>

    Examples:
      | finger | pin   | otp   | menu         |
      | right  | right | right | is shown     |
      | right  | right | wrong | is not shown |
      | right  | wrong | right | is not shown |
      | right  | wrong | wrong | is not shown |
      | wrong  | right | right | is not shown |
      | wrong  | right | wrong | is not shown |
      | wrong  | wrong | right | is not shown |
      | wrong  | wrong | wrong | is not shown |
