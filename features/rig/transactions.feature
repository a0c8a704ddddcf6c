@seed001 @transactions
Feature: Transactions after authentication
  Withdrawal, balance with history, transfer, change of PIN, mini statement; every refusal leaves the balance as it was.

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice authenticates

  @smoke
  Scenario: Withdraw with sufficient balance
    When Alice withdraws 250
    Then the dispenser pays out 250 as:
      | note   | count |
      | 100.00 | 2     |
      | 50.00  | 1     |
    And Alice's balance is 4750.00
    And Alice's latest ledger entries are:
      | type       | amount  |
      | withdrawal | -250.00 |
    And Alice's ledger adds up to her balance

  Scenario: Withdraw more than the balance
    Given Bwalya's balance is 120.00
    When Alice finishes
    And Bwalya authenticates
    And Bwalya withdraws 200
    Then the LCD shows "Insufficient funds"
    And no cash is dispensed
    And Bwalya's balance is 120.00

  Scenario: An amount the notes cannot make
    When Alice chooses "withdraw"
    And Alice asks for 120
    Then the ATM refuses the amount
    And the LCD shows "x50.00, max 2000.00"
    And no cash is dispensed

  Scenario: Over the largest single withdrawal
    When Alice chooses "withdraw"
    And Alice asks for 2500
    Then the ATM refuses the amount
    And the LCD shows "x50.00, max 2000.00"

  Scenario: The dispenser is short of notes
    Given the dispenser holds:
      | denomination | count |
      | 100.00       | 1     |
      | 50.00        | 1     |
    When Alice withdraws 500
    Then the dispenser reports "short"
    And the LCD shows "Unable to dispense"
    And no cash is dispensed
    And Alice's balance is 5000.00

  Scenario: The dispenser jams after the money was reserved
    Given the dispenser jams
    When Alice withdraws 200
    Then the dispenser reports "jam"
    And the LCD shows "Account not debited"
    And Alice's balance is 5000.00

  @serial
  Scenario: Too many rejected notes stop the dispense; the account is not debited
    Given the dispenser rejects 5 notes on every dispense
    When Alice withdraws 200
    Then the dispenser reports "jam"
    And the LCD shows "Account not debited"
    And Alice's balance is 5000.00

  Scenario: A dispenser whose count does not add up: the account is not debited
    Given the dispenser miscounts by 1 note
    When Alice withdraws 200
    Then the LCD shows "Account not debited"
    And Alice's balance is 5000.00
    And Alice's ledger adds up to her balance

  Scenario: Balance inquiry, then another transaction
    When Alice chooses "balance"
    Then the LCD shows "ZMW 5000.00"
    When Alice asks for another transaction
    And Alice chooses "mini statement"
    Then the LCD shows "Mini statement"

  Scenario: Transfer to another customer
    Given Bwalya has 120.00 in her account
    When Alice transfers 500 to Bwalya
    Then the LCD shows "Transfer done"
    And Alice's balance is 4500.00
    And Bwalya's balance is 620.00

  Scenario: Transfer to an account that does not exist
    When Alice transfers 100 to account "9999999999"
    Then the LCD shows "Unknown account"
    And Alice's balance is 5000.00

  Scenario: Transfer more than the balance
    When Alice transfers 90000 to Bwalya
    Then the LCD shows "Insufficient funds"

  Scenario: Change PIN, then the new PIN works
    When Alice changes her PIN from "1991" to "2024", confirming "2024"
    Then the LCD shows "PIN changed"
    When Alice finishes
    And the ATM is idle
    And Alice authenticates
    Then the transaction menu is shown

  Scenario: Change PIN with the wrong current PIN
    When Alice changes her PIN from "0000" to "2024", confirming "2024"
    Then the LCD shows "PIN not changed"

  Scenario: Change PIN, the confirmation does not match
    When Alice changes her PIN from "1991" to "2024", confirming "2025"
    Then the LCD shows "Entries do not match"
