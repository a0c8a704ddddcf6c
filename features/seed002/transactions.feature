@seed002 @transactions
Feature: Transactions on the three-tier ATM (seed002)
  Withdrawal, balance inquiry, fund transfer, change of password, mini statement; the card comes back at the end.

  Background:
    Given an ATM running the "seed002" profile
    And the demo customers are enrolled
    When Bwalya authenticates

  Scenario: Balance, then a mini statement, then a withdrawal
    When Bwalya chooses "balance inquiry"
    Then the LCD shows "ZMW 120.00"
    When Bwalya asks for another transaction
    And Bwalya chooses "mini statement"
    Then the LCD shows "Mini statement"
    When Bwalya asks for another transaction
    And Bwalya withdraws 100
    Then the dispenser pays out 100
    And Bwalya's balance is 20.00

  Scenario: Withdraw more than the balance
    When Bwalya withdraws 150
    Then the LCD shows "Insufficient funds"
    And no cash is dispensed

  Scenario: An amount the notes cannot make
    When Bwalya chooses "withdraw"
    And Bwalya asks for 75
    Then the LCD shows "x50.00, max 2000.00"

  @serial
  Scenario: A jammed dispenser leaves the account as it was
    Given the dispenser jams
    When Bwalya withdraws 100
    Then the LCD shows "Unable to dispense"
    And Bwalya's balance is 120.00

  Scenario: A dispenser that reports fewer notes than it was asked for: the account is not debited
    Given the dispenser miscounts by 1 note
    When Bwalya withdraws 100
    Then the LCD shows "Account not debited"
    And Bwalya's balance is 120.00

  Scenario: Fund transfer, then another to an unknown account
    When Bwalya transfers 20 to Alice
    Then the LCD shows "Transfer done"
    And Bwalya's balance is 100.00
    When Bwalya asks for another transaction
    And Bwalya transfers 10 to account "9999999999"
    Then the LCD shows "Unknown account"

  Scenario: Change of password with the wrong current password
    When Bwalya changes her password from "WRONG1" to "NEW123", confirming "NEW123"
    Then the LCD shows "Password not changed"
