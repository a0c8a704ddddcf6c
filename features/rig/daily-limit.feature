@seed001 @transactions
Feature: The daily withdrawal limit

  Scenario: A second withdrawal over the day's limit is refused
    Given an ATM running the "seed001" profile
    And the bank allows 300.00 of withdrawals a day
    And the demo customers are enrolled
    When Alice authenticates
    And Alice withdraws 200
    And Alice asks for another transaction
    And Alice withdraws 200
    Then the LCD shows "Daily limit reached"
    And Alice's balance is 4800.00
